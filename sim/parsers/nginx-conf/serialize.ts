// Writes an nginx configuration back from parsed directives: one directive per line, blocks
// indented by four spaces, arguments quoted when nginx's tokenizer needs it. Comments are not kept.

import type { NginxConfig, NginxDirective } from './types.js';

export function quoteNginxArg(a: string): string {
  if (a !== '' && !/[\s;{}#"'\\]/.test(a)) return a;
  return `"${a.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function write(ds: readonly NginxDirective[], indent: string, out: string[]): void {
  for (const d of ds) {
    const head = [d.name, ...d.args.map(quoteNginxArg)].join(' ');
    if (d.block) {
      out.push(`${indent}${head} {`);
      write(d.block, `${indent}    `, out);
      out.push(`${indent}}`);
    } else {
      out.push(`${indent}${head};`);
    }
  }
}

export function serializeNginxConf(config: Pick<NginxConfig, 'directives'>): string {
  const out: string[] = [];
  write(config.directives, '', out);
  return out.join('\n') + '\n';
}
