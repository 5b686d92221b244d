// The committed fixture trace must be a valid `Trace` (sim/trace/events.ts): the JSON is pasted into
// a TypeScript program typed `const t: Trace = ...` and compiled, so a field the contract does not
// have, a wrong kind or a missing time fails here.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import type { Trace } from '../../sim/trace/events.js';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
const json = readFileSync(here('./fixtures/step3.trace.json'), 'utf8');

function typeErrors(source: string): string[] {
  const file = here('./__fixture-check__.ts');
  const options: ts.CompilerOptions = { strict: true, exactOptionalPropertyTypes: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, skipLibCheck: true, types: [] };
  const host = ts.createCompilerHost(options);
  const orig = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, ...rest) => (name === file ? ts.createSourceFile(name, source, lang) : orig(name, lang, ...rest));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === file || fileExists(name);
  const program = ts.createProgram([file], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('fixture trace', () => {
  it('type-checks as a Trace', () => {
    const errs = typeErrors(`import type { Trace } from '../../sim/trace/events.js';\nexport const t: Trace = ${json};\n`);
    expect(errs).toEqual([]);
  }, 60_000);

  it('the checker does catch a wrong event', () => {
    const bad = json.replace('"kind": "route"', '"kind": "routed"');
    expect(typeErrors(`import type { Trace } from '../../sim/trace/events.js';\nexport const t: Trace = ${bad};\n`).length).toBeGreaterThan(0);
  }, 60_000);

  it('is in time order with dense seq numbers', () => {
    const t = JSON.parse(json) as Trace;
    t.events.forEach((e, i) => expect(e.seq).toBe(i));
    for (let i = 1; i < t.events.length; i++) expect(t.events[i]!.t).toBeGreaterThanOrEqual(t.events[i - 1]!.t);
  });
});
