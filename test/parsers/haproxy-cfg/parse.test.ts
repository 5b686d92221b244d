import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic, type Diagnostic } from '../../../sim/core/diagnostics.js';
import {
  effectiveSettings, parseHaproxyCfg, parseTime, proxies, serializeHaproxyCfg, splitHaproxyLine, type ProxySection,
} from '../../../sim/parsers/haproxy-cfg/index.js';

const fixture = (n: string): string => readFileSync(new URL(`../../apps/haproxy/fixtures/${n}`, import.meta.url), 'utf8');
const parse = (t: string) => parseHaproxyCfg(t, { file: 'haproxy.cfg' });
const only = (ds: readonly Diagnostic[], sev: Diagnostic['severity']) => ds.filter((d) => d.severity === sev);
const base = 'defaults\n    mode tcp\n    timeout connect 5s\n    timeout client 50s\n    timeout server 50s\n';

describe('ICTSC haproxy.cfg', () => {
  it('step 0 parses without any diagnostic', () => {
    const r = parse(fixture('ictsc-step0.cfg'));
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([]);
    const be = proxies(r.value).find((p) => p.kind === 'backend' && p.name === 'nodeport') as ProxySection;
    expect(be.servers.map((s) => [s.name, s.addr, s.port?.value])).toEqual([['k8s1', '172.16.0.11', 30080], ['k8s2', '172.16.0.12', 30080]]);
    expect(be.servers.every((s) => !s.options.check)).toBe(true);
    expect(effectiveSettings(r.value, be).balance?.value).toBe('roundrobin');
    const fe = proxies(r.value).find((p) => p.kind === 'frontend' && p.name === 'nodeport') as ProxySection;
    expect(fe.binds[0]?.addresses[0]).toMatchObject({ family: 'any', portLow: 30080, portHigh: 30080 });
  });
  it('step 2 adds source 0.0.0.0 usesrc clientip on the backend', () => {
    const r = parse(fixture('ictsc-step2.cfg'));
    expect(r.diagnostics).toEqual([]);
    const be = proxies(r.value).find((p) => p.kind === 'backend' && p.name === 'nodeport') as ProxySection;
    expect(be.settings.source).toMatchObject({ addr: '0.0.0.0', usesrc: { kind: 'clientip' } });
    expect(be.settings.source?.directive.loc.line).toBe(47);
  });
  it('the write-up form "server k8s1 172.16.0.11" (no port) is accepted: same port as the frontend', () => {
    const r = parse(`${base}backend nodeport\n    balance roundrobin\n    source 0.0.0.0 usesrc clientip\n        server k8s1 172.16.0.11\n        server k8s2 172.16.0.12\n`);
    expect(only(r.diagnostics, 'error')).toEqual([]);
    expect((proxies(r.value)[0] as ProxySection).servers.map((s) => s.port)).toEqual([undefined, undefined]);
  });
});

describe('located errors', () => {
  const cases: [string, string, number, number, RegExp][] = [
    ['unknown keyword', `${base}backend b\n    balanse roundrobin\n`, 7, 5, /unknown keyword 'balanse'/],
    ['bad server address', `${base}backend b\n    server s1 172.16.0.300:80\n`, 7, 15, /not a valid IPv4/],
    ['bad timeout unit', `${base}backend b\n    timeout connect 5x\n`, 7, 22, /unexpected character 'x'/],
    ['server in a frontend', `${base}frontend f\n    bind :80\n    server s1 1.2.3.4:80\n`, 8, 5, /'server' not allowed in 'frontend'/],
    ['undefined default_backend', `${base}frontend f\n    bind :80\n    default_backend nope\n`, 8, 21, /unable to find required default_backend: 'nope'/],
    ['bad weight', `${base}backend b\n    server s1 1.2.3.4:80 weight 300\n`, 7, 33, /weight of server is not within 0 and 256/],
    ['check without any port', `${base}backend b\n    server s1 1.2.3.4 check\n`, 7, 15, /neither service port nor check port/],
    ['bind without port', `${base}frontend f\n    bind 1.2.3.4\n    default_backend f\n`, 7, 10, /missing port number/],
    ['unmatched quote', `${base}backend b\n    http-check send uri "/x\n`, 7, 25, /unmatched double quote/],
    ['unknown ACL in use_backend', `${base}frontend f\n    bind :80\n    use_backend b if is_api\nbackend b\n`, 8, 22, /no such ACL : 'is_api'/],
    ['unknown balance', `${base}backend b\n    balance fastest\n`, 7, 13, /unknown balance algorithm/],
    ['removed keyword', `${base}backend b\n    contimeout 5000\n`, 7, 5, /removed/],
    ['unknown server keyword', `${base}backend b\n    server s1 1.2.3.4:80 chek\n`, 7, 26, /unknown server keyword 'chek'/],
  ];
  for (const [name, text, line, column, re] of cases) {
    it(name, () => {
      const errs = only(parse(text).diagnostics, 'error');
      const d = errs.find((x) => re.test(x.message));
      expect(d, errs.map(formatDiagnostic).join('\n')).toBeDefined();
      expect([d?.file, d?.line, d?.column]).toEqual(['haproxy.cfg', line, column]);
    });
  }
  it('duplicate backend names are refused, a frontend and a backend may share a name', () => {
    const r = parse(`${base}frontend web\n    bind :80\n    default_backend web\nbackend web\n    server a 1.1.1.1:80\nbackend web\n    server b 1.1.1.2:80\n`);
    const e = only(r.diagnostics, 'error');
    expect(e).toHaveLength(1);
    expect(e[0]?.line).toBe(11);
    expect(e[0]?.message).toMatch(/same name as backend 'web' declared at haproxy.cfg:9/);
  });
  it('an http frontend may not use a tcp backend, a tcp frontend may use an http backend', () => {
    const r = parse(`${base}frontend f\n    mode http\n    bind :80\n    default_backend b\nbackend b\n    server s 1.1.1.1:80\nfrontend g\n    bind :81\n    default_backend h\nbackend h\n    mode http\n    server s 1.1.1.1:80\n`);
    const e = only(r.diagnostics, 'error');
    expect(e.map((d) => d.line)).toEqual([9]);
    expect(e[0]?.message).toMatch(/incompatible tcp backend 'b'/);
  });
  it('unmodelled but valid keywords are "unsupported", not errors', () => {
    const r = parse(`${base}frontend f\n    bind :80 ssl crt /x.pem\n    http-request set-header X-A b\n    default_backend b\nbackend b\n    balance uri\n    server s 1.1.1.1:80 check inter 2s cookie a\n`);
    expect(only(r.diagnostics, 'error')).toEqual([]);
    expect(only(r.diagnostics, 'unsupported').map((d) => [d.line, d.column])).toEqual([[7, 14], [7, 18], [8, 5], [11, 13], [12, 40]]);
  });
});

describe('startup warnings', () => {
  it('missing timeouts', () => {
    const w = only(parse('frontend f\n    bind :80\n    default_backend b\nbackend b\n    server s 1.1.1.1:80\n').diagnostics, 'warning');
    expect(w.filter((d) => d.code === 'haproxy-missing-timeouts').map((d) => d.line)).toEqual([1, 4]);
  });
  it('option httplog in a tcp frontend falls back to tcplog; forwardfor needs http', () => {
    const r = parse(`defaults\n    mode http\n    option httplog\n    timeout connect 5s\n    timeout client 5s\n    timeout server 5s\nfrontend f\n    mode tcp\n    option forwardfor\n    bind :80\n    default_backend b\nbackend b\n    server s 1.1.1.1:80\n`);
    const w = only(r.diagnostics, 'warning').map((d) => [d.line, d.message.slice(0, 30)]).sort((a, b) => (a[0] as number) - (b[0] as number));
    expect(w).toEqual([[3, "'option httplog' not usable wi"], [9, "'option forwardfor' ignored fo"]]);
  });
  it('a frontend without bind', () => {
    const w = only(parse(`${base}frontend f\n    default_backend b\nbackend b\n`).diagnostics, 'warning');
    expect(w.map((d) => d.line)).toEqual([6]);
  });
});

describe('defaults inheritance', () => {
  it('the last defaults section before a proxy applies, and a new defaults resets everything', () => {
    const r = parse('defaults\n    retries 5\n    timeout connect 3s\nbackend a\n    server s 1.1.1.1:1\ndefaults\n    mode http\nbackend b\n    server s 1.1.1.1:1\n');
    const [a, b] = proxies(r.value) as [ProxySection, ProxySection];
    expect(effectiveSettings(r.value, a).retries?.value).toBe(5);
    expect(effectiveSettings(r.value, a).timeouts.connect?.value).toBe(3000);
    expect(effectiveSettings(r.value, b).retries).toBeUndefined();
    expect(effectiveSettings(r.value, b).mode?.value).toBe('http');
  });
  it('named defaults with from, across levels, and the proxy overrides', () => {
    const r = parse('defaults tcp-base\n    mode tcp\n    timeout connect 4s\ndefaults long from tcp-base\n    timeout server 1h\ndefaults\n    mode http\nbackend x from long\n    timeout connect 2s\n    server s 1.1.1.1:1\n');
    const x = proxies(r.value)[0] as ProxySection;
    const eff = effectiveSettings(r.value, x);
    expect([eff.mode?.value, eff.timeouts.connect?.value, eff.timeouts.server?.value]).toEqual(['tcp', 2000, 3_600_000]);
  });
  it('from an unknown defaults section is an error at the name', () => {
    const e = only(parse('backend x from nope\n').diagnostics, 'error');
    expect([e[0]?.line, e[0]?.column]).toEqual([1, 16]);
  });
});

describe('value syntaxes', () => {
  it('times with units, rounded up to ms', () => {
    expect(['10', '10ms', '1500us', '5s', '2m', '1h', '1d'].map((t) => { const r = parseTime(t); return r.ok ? r.ms : -1; }))
      .toEqual([10, 10, 2, 5000, 120_000, 3_600_000, 86_400_000]);
    expect(parseTime('25d').ok).toBe(false); // over 2^31 ms
    const w = parseTime('5sec');
    expect(w.ok && w.warning).toBeTruthy();
  });
  it('word splitting with quotes and escapes', () => {
    expect(splitHaproxyLine(`  option httpchk GET /health HTTP/1.1\\r\\nHost:\\ x # c`).words.map((w) => w.text))
      .toEqual(['option', 'httpchk', 'GET', '/health', 'HTTP/1.1\r\nHost: x']);
    expect(splitHaproxyLine(`a "b c" 'd\\e' f\\#g`).words.map((w) => [w.text, w.column])).toEqual([['a', 1], ['b c', 3], ['d\\e', 9], ['f#g', 15]]);
  });
});

describe('serializer', () => {
  for (const name of ['ictsc-step0.cfg', 'ictsc-step2.cfg']) {
    it(`round-trips ${name}`, () => {
      const a = parse(fixture(name));
      const text = serializeHaproxyCfg(a.value);
      const b = parse(text);
      const shape = (c: typeof a.value) => c.sections.map((s) => [s.header.keyword, s.header.args, s.directives.map((d) => [d.keyword, ...d.args])]);
      expect(shape(b.value)).toEqual(shape(a.value));
      expect(b.diagnostics.map((d) => d.message)).toEqual(a.diagnostics.map((d) => d.message));
      expect(serializeHaproxyCfg(b.value)).toBe(text);
    });
  }
  it('quotes words that need it', () => {
    const a = parse(`${base}backend b\n    http-check send meth GET uri "/a b" hdr Host 'x#y'\n`);
    const b = parse(serializeHaproxyCfg(a.value));
    const get = (r: typeof a) => (proxies(r.value)[0] as ProxySection).settings.httpCheckSend?.value;
    expect(get(b)).toEqual(get(a));
    expect(get(a)).toMatchObject({ uri: '/a b', headers: [{ name: 'Host', value: 'x#y' }] });
  });
});
