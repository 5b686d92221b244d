// Writes a haproxy.cfg back from the parsed sections: section headers at column 1, directives
// indented by four spaces, words re-quoted where HAProxy's word splitting needs it. Comments and
// blank lines are not kept (the original text is in HaproxyConfig.text).

import { quoteHaproxyWord } from './tokenize.js';
import type { Directive, HaproxyConfig, Section } from './types.js';

export function formatHaproxyDirective(keyword: string, args: readonly string[]): string {
  return [keyword, ...args].map(quoteHaproxyWord).join(' ');
}

function line(d: Directive): string {
  return formatHaproxyDirective(d.keyword, d.args);
}

function sectionDirectives(s: Section): readonly Directive[] {
  return s.directives;
}

export function serializeHaproxyCfg(config: HaproxyConfig): string {
  const parts: string[] = [];
  for (const d of config.preamble) parts.push(line(d));
  for (const s of config.sections) {
    if (parts.length > 0) parts.push('');
    parts.push(line(s.header));
    for (const d of sectionDirectives(s)) parts.push(`    ${line(d)}`);
  }
  return parts.join('\n') + '\n';
}
