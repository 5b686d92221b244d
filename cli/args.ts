// A small, strict argument parser: known flags only, values checked, errors say what was expected.

export interface FlagSpec {
  readonly type: 'boolean' | 'string' | 'number';
  readonly multiple?: boolean;
  readonly alias?: string;
}

export interface ParsedArgs {
  readonly positional: string[];
  readonly flags: Record<string, string | number | boolean | string[] | undefined>;
}

export class UsageError extends Error {}

export function parseArgs(args: readonly string[], spec: Readonly<Record<string, FlagSpec>>): ParsedArgs {
  const positional: string[] = [];
  const flags: Record<string, string | number | boolean | string[] | undefined> = {};
  const aliases = new Map<string, string>();
  for (const [k, v] of Object.entries(spec)) if (v.alias) aliases.set(v.alias, k);
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--') { positional.push(...args.slice(i + 1)); break; }
    if (!a.startsWith('-') || a === '-') { positional.push(a); continue; }
    let name = a.replace(/^--?/, '');
    let inline: string | undefined;
    const eq = name.indexOf('=');
    if (eq >= 0) { inline = name.slice(eq + 1); name = name.slice(0, eq); }
    name = aliases.get(name) ?? name;
    const s = spec[name];
    if (!s) throw new UsageError(`unknown option ${a}`);
    if (s.type === 'boolean') { flags[name] = true; continue; }
    const value = inline ?? args[++i];
    if (value === undefined) throw new UsageError(`option --${name} needs a value`);
    let v: string | number = value;
    if (s.type === 'number') {
      if (!/^-?\d+(\.\d+)?$/.test(value)) throw new UsageError(`option --${name} expects a number, got "${value}"`);
      v = Number(value);
    }
    if (s.multiple) {
      const prev = flags[name];
      flags[name] = [...(Array.isArray(prev) ? prev : []), String(v)];
    } else flags[name] = v;
  }
  return { positional, flags };
}
