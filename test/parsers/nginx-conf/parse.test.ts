import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../../sim/core/diagnostics.js';
import {
  DEFAULT_CONF_1_19, DEFAULT_CONF_1_2X, NGINX_CONF_1_19, NGINX_CONF_1_2X, parseNginxConf, serializeNginxConf, type NginxDirective,
} from '../../../sim/parsers/nginx-conf/index.js';

const p = (t: string, context?: string) => parseNginxConf(t, context ? { file: 'n.conf', context } : { file: 'n.conf' });

describe('official image configuration', () => {
  for (const [name, main, def] of [['1.19', NGINX_CONF_1_19, DEFAULT_CONF_1_19], ['1.2x', NGINX_CONF_1_2X, DEFAULT_CONF_1_2X]] as const) {
    it(`${name} parses without diagnostics, records includes`, () => {
      const m = p(main);
      expect(m.diagnostics.map(formatDiagnostic)).toEqual([]);
      expect(m.value.includes.map((d) => d.args[0])).toEqual(['/etc/nginx/mime.types', '/etc/nginx/conf.d/*.conf']);
      const http = m.value.directives.find((d) => d.name === 'http');
      const lf = http?.block?.find((d) => d.name === 'log_format');
      expect(lf?.args.join('')).toBe('main$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" "$http_x_forwarded_for"');
      const d = p(def, 'http');
      expect(d.diagnostics).toEqual([]);
      const server = d.value.directives[0];
      expect(server?.block?.filter((x) => x.name === 'listen').map((x) => x.args)).toEqual([['80'], ['[::]:80']]);
      expect(server?.block?.filter((x) => x.name === 'location').map((x) => x.args)).toEqual([['/'], ['=', '/50x.html']]);
    });
  }
  it('differs between generations only where the packages did', () => {
    expect(NGINX_CONF_1_19).toContain('worker_processes  1;');
    expect(NGINX_CONF_1_2X).toContain('error_log  /var/log/nginx/error.log notice;');
  });
});

describe('located diagnostics', () => {
  it('unknown directive is unsupported at its position', () => {
    const r = p('http {\n    server {\n        listen 80;\n        proxy_pass http://x;\n    }\n}\n');
    expect(r.diagnostics.map((d) => [d.severity, d.line, d.column])).toEqual([['unsupported', 4, 9]]);
  });
  it('syntax and context errors', () => {
    const cases: [string, number, number, RegExp][] = [
      ['http {\n    server {\n        listen 80\n    }\n}\n', 4, 5, /not terminated by ";"/],
      ['http {\n    server {\n', 2, 5, /unexpected end of file/],
      ['server {\n}\n', 1, 1, /not allowed here/],
      ['http {\n    listen 80;\n}\n', 2, 5, /not allowed here/],
      ['}\n', 1, 1, /unexpected "}"/],
      ['http {\n    root "a;\n}\n', 2, 10, /closing quote/],
      ['http {\n    root a b;\n}\n', 2, 5, /invalid number of arguments/],
    ];
    for (const [text, line, column, re] of cases) {
      const d = p(text).diagnostics.find((x) => re.test(x.message));
      expect(d, `${text}\n${p(text).diagnostics.map(formatDiagnostic).join('\n')}`).toBeDefined();
      expect([d?.line, d?.column]).toEqual([line, column]);
    }
  });
});

describe('serializer', () => {
  const shape = (ds: readonly NginxDirective[]): unknown => ds.map((d) => [d.name, d.args, d.block ? shape(d.block) : null]);
  it('round-trips the official configuration', () => {
    for (const t of [NGINX_CONF_1_19, NGINX_CONF_1_2X]) {
      const a = p(t);
      const text = serializeNginxConf(a.value);
      const b = p(text);
      expect(shape(b.value.directives)).toEqual(shape(a.value.directives));
      expect(b.diagnostics).toEqual([]);
      expect(serializeNginxConf(b.value)).toBe(text);
    }
  });
  it('quotes arguments with blanks, quotes and semicolons', () => {
    const a = p(`http {\n    log_format x 'a "b" c;' "d\\\\e";\n}\n`);
    const b = p(serializeNginxConf(a.value));
    expect(shape(b.value.directives)).toEqual(shape(a.value.directives));
  });
});

describe('robustness', () => {
  const toks = ['http', 'server', 'location', 'listen', '80', 'proxy_protocol', '{', '}', ';', '"', "'", '#', 'root', '/x', '=', '~', 'return', '200', 'set_real_ip_from', '10.0.0.0/8', '\n', ' '];
  it('random token streams never throw and stay located', () => {
    fc.assert(fc.property(fc.array(fc.oneof(fc.constantFrom(...toks), fc.string({ maxLength: 4 })), { maxLength: 60 }), (ts) => {
      const text = ts.join(' ');
      const lines = text.split('\n');
      for (const d of p(text).diagnostics) {
        expect(d.line).toBeGreaterThanOrEqual(1);
        expect(d.line).toBeLessThanOrEqual(lines.length);
        expect(d.column).toBeGreaterThanOrEqual(1);
        expect(d.column).toBeLessThanOrEqual((lines[d.line - 1] ?? '').length + 1);
      }
    }), { numRuns: 400 });
  });
});
