import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseHaproxyCfg } from '../../../sim/parsers/haproxy-cfg/index.js';
import {
  addressWords, applyCheckResult, applyForwardFor, checkConnectTimeout, checkSource, createBalancer, evaluateHttpCheck,
  initialHealth, nextAttempt, nextCheckDelay, proxyV1Header, proxyV2Header, resolveHaproxy, selectBackend,
  simulateConnection, INITIAL_ATTEMPT_STATE, type BackendModel, type HealthState,
} from '../../../sim/apps/haproxy/index.js';

const T = 'defaults\n    timeout connect 5s\n    timeout client 50s\n    timeout server 50s\n';
function model(text: string) {
  const r = parseHaproxyCfg(text, { file: 't.cfg' });
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return resolveHaproxy(r.value);
}
function backend(body: string): BackendModel {
  const b = model(`${T}backend be\n${body}`).backends[0];
  if (!b) throw new Error('no backend');
  return b;
}
const picks = (b: ReturnType<typeof createBalancer>, n: number, release = true, src?: string) => Array.from({ length: n }, () => {
  const s = b.pick(undefined, src ? { srcIp: src } : {});
  if (s && release) b.release(s.name);
  return s?.name ?? '-';
});

describe('ICTSC lb', () => {
  const fx = (n: string) => readFileSync(new URL(`./fixtures/${n}`, import.meta.url), 'utf8');
  it('step 0: round robin alternates the two workers, starting with k8s1', () => {
    const m = model(fx('ictsc-step0.cfg'));
    const be = m.backends.find((b) => b.name === 'nodeport') as BackendModel;
    expect([be.mode, be.balance, be.retries, be.timeouts.connect, be.redispatch.enabled]).toEqual(['tcp', 'roundrobin', 3, 5000, false]);
    expect(be.servers.map((s) => s.check)).toEqual([undefined, undefined]);
    expect(picks(createBalancer(be), 4)).toEqual(['k8s1', 'k8s2', 'k8s1', 'k8s2']);
    const fe = m.frontends.find((f) => f.name === 'nodeport');
    expect(fe && selectBackend(fe, { srcIp: '192.168.0.10' })).toMatchObject({ backend: 'nodeport' });
  });
  it('step 2: connections use the client address, checks would use the source address', () => {
    const be = model(fx('ictsc-step2.cfg')).backends.find((b) => b.name === 'nodeport') as BackendModel;
    for (const s of be.servers) {
      expect(s.source?.usesrc).toEqual({ kind: 'clientip' });
      expect(checkSource(s).addr).toBeUndefined(); // 0.0.0.0: the kernel picks lb's own address
    }
  });
  it('a blackholed worker without checks keeps its turn: every other connection fails after 4 x timeout connect', () => {
    const be = model(fx('ictsc-step0.cfg')).backends.find((b) => b.name === 'nodeport') as BackendModel;
    const b = createBalancer(be);
    const res = [0, 1, 2, 3].map((k) => simulateConnection(be, b, { start: k * 100_000, outcome: (s) => (s.name === 'k8s1' ? { kind: 'timeout' } : { kind: 'connected', afterMs: 1 }) }));
    expect(res.map((r) => r.result.kind)).toEqual(['failed', 'connected', 'failed', 'connected']);
    expect(res[0]?.attempts.map((a) => [a.server, a.start, a.end])).toEqual([['k8s1', 0, 5000], ['k8s1', 5000, 10000], ['k8s1', 10000, 15000], ['k8s1', 15000, 20000]]);
    expect(res[0]?.result).toMatchObject({ termination: 'sC', client: { mode: 'tcp', close: 'fin' }, retries: 3 });
  });
});

describe('server selection', () => {
  it('backup servers only when no active server is usable; only the first backup without allbackups', () => {
    const be = backend('    server a 1.1.1.1:80\n    server b 1.1.1.2:80 backup\n    server c 1.1.1.3:80 backup\n');
    const b = createBalancer(be);
    expect(picks(b, 2)).toEqual(['a', 'a']);
    b.setStatus('a', 'down');
    expect(picks(b, 3)).toEqual(['b', 'b', 'b']);
    const all = createBalancer(backend('    option allbackups\n    server a 1.1.1.1:80\n    server b 1.1.1.2:80 backup\n    server c 1.1.1.3:80 backup\n'));
    all.setStatus('a', 'maint');
    expect(picks(all, 4)).toEqual(['b', 'c', 'b', 'c']);
    all.setStatus('a', 'up');
    expect(picks(all, 2)).toEqual(['a', 'a']);
  });
  it('down, maintenance, drain and disabled servers are skipped; a server coming back rejoins', () => {
    const be = backend('    server a 1.1.1.1:80\n    server b 1.1.1.2:80\n    server c 1.1.1.3:80 disabled\n');
    const b = createBalancer(be);
    expect(picks(b, 3)).toEqual(['a', 'b', 'a']);
    b.pick(new Map([['b', 'drain']]));
    expect(picks(b, 2)).toEqual(['a', 'a']);
    b.setStatus('b', 'up');
    b.setStatus('c', 'up');
    expect(new Set(picks(b, 6))).toEqual(new Set(['a', 'b', 'c']));
    b.setStatus('a', 'down'); b.setStatus('b', 'down'); b.setStatus('c', 'down');
    expect(b.pick()).toBeUndefined();
  });
  it('source: the IPv4 address modulo the total map weight, no hashing with one server', () => {
    const be = backend('    balance source\n    server a 1.1.1.1:80 weight 2\n    server b 1.1.1.2:80 weight 1\n');
    // recalc_server_map for weights 2,1 (gcd 1) gives the slots a, a, b.
    // 192.168.0.10 = 3232235530, % 3 = 1 -> a; .11 -> 2 -> b; .12 -> 0 -> a.
    expect(addressWords('192.168.0.10')).toEqual([3232235530]);
    expect(['10', '11', '12'].map((x) => picks(createBalancer(be), 1, true, `192.168.0.${x}`)[0])).toEqual(['a', 'b', 'a']);
    const one = createBalancer(be);
    one.setStatus('a', 'down');
    expect(picks(one, 3, true, '192.168.0.10')).toEqual(['b', 'b', 'b']);
    expect(addressWords('::ffff:1.2.3.4')).toEqual([0, 0, 0xffff, 0x01020304]);
  });
  it('leastconn takes the least loaded server; ties go to the one idle longest', () => {
    const b = createBalancer(backend('    balance leastconn\n    server a 1.1.1.1:80\n    server b 1.1.1.2:80\n    server c 1.1.1.3:80\n'));
    expect(picks(b, 3, false)).toEqual(['a', 'b', 'c']);
    b.release('b');
    expect(picks(b, 1, false)).toEqual(['b']);
    b.release('c'); b.release('a');
    expect(picks(b, 2, false)).toEqual(['c', 'a']);
  });
  it('first fills the lowest-id server up to maxconn, then the next', () => {
    const b = createBalancer(backend('    balance first\n    server a 1.1.1.1:80 maxconn 2\n    server b 1.1.1.2:80 maxconn 2\n'));
    expect(picks(b, 5, false)).toEqual(['a', 'a', 'b', 'b', '-']);
    b.release('a');
    expect(picks(b, 1, false)).toEqual(['a']);
  });
  it('roundrobin avoids the previous server on a redispatch', () => {
    const b = createBalancer(backend('    server a 1.1.1.1:80\n    server b 1.1.1.2:80\n'));
    expect(b.pick(undefined, { avoid: 'a' })?.name).toBe('b');
    expect(b.pick(undefined, { avoid: 'a' })?.name).toBe('b');
  });
});

describe('connection attempts (C5)', () => {
  const refused = JSON.parse(readFileSync(new URL('./fixtures/real/refused.json', import.meta.url), 'utf8')) as {
    http_refused: { elapsed_s: number; status_line: string }; tcp_refused: { elapsed_s: number; client_sees: string }; log_lines: string[];
  };
  const cfg = 'defaults\n    timeout connect 2s\n    timeout client 5s\n    timeout server 5s\n    retries 3\n';
  it('refused connections, same server: 4 attempts 1 s apart, as real HAProxy (refused.json)', () => {
    for (const mode of ['http', 'tcp'] as const) {
      const be = model(`${cfg}backend bh\n    mode ${mode}\n    server s1 127.0.0.1:19999\n`).backends[0] as BackendModel;
      const r = simulateConnection(be, createBalancer(be), { start: 0, outcome: () => ({ kind: 'error' }) });
      expect(r.attempts.map((a) => a.start)).toEqual([0, 1000, 2000, 3000]);
      const real = mode === 'http' ? refused.http_refused.elapsed_s : refused.tcp_refused.elapsed_s;
      expect(r.result.at / 1000).toBe(real);
      const line = refused.log_lines.find((l) => l.includes(mode === 'http' ? ' fh ' : ' ft ')) ?? '';
      expect(r.result).toMatchObject({ kind: 'failed', termination: mode === 'http' ? 'SC--' : 'SC', retries: 3 });
      expect(line).toContain(` ${mode === 'http' ? 'SC--' : 'SC'} `);
      expect(line).toMatch(/\/3( |$)/);
      if (r.result.kind === 'failed') expect(r.result.client).toEqual(mode === 'http' ? { mode: 'http', status: 503 } : { mode: 'tcp', close: refused.tcp_refused.client_sees });
    }
    expect(refused.http_refused.status_line).toContain('503');
  });
  it('refused with redispatch over two round-robin servers: immediate retries, alternating, "+3"', () => {
    const be = model(`${cfg}backend br\n    mode http\n    option redispatch\n    server s1 127.0.0.1:19998\n    server s2 127.0.0.1:19999\n`).backends[0] as BackendModel;
    const r = simulateConnection(be, createBalancer(be), { start: 0, outcome: () => ({ kind: 'error' }) });
    expect(r.attempts.map((a) => [a.server, a.start])).toEqual([['s1', 0], ['s2', 0], ['s1', 0], ['s2', 0]]);
    expect(refused.log_lines.find((l) => l.includes(' fr '))).toContain('br/s2');
    expect(refused.log_lines.find((l) => l.includes(' fr '))).toContain('/+3 ');
  });
  it('timeout connect is retried at once; redispatch moves on at the first retry and then succeeds', () => {
    const be = backend('    mode http\n    option redispatch\n    server a 1.1.1.1:80\n    server b 1.1.1.2:80\n');
    const r = simulateConnection(be, createBalancer(be), { start: 0, outcome: (s) => (s.name === 'a' ? { kind: 'timeout' } : { kind: 'connected', afterMs: 1 }) });
    expect(r.attempts.map((a) => [a.server, a.start, a.result])).toEqual([['a', 0, 'timeout'], ['b', 5000, 'connected']]);
    expect(r.result).toMatchObject({ kind: 'connected', server: 'b', redispatched: true, retries: 1 });
  });
  it('http: all timeouts give 503 sC--; first failure decides the letter', () => {
    const be = backend('    mode http\n    server a 1.1.1.1:80\n');
    const kinds = ['timeout', 'error', 'error', 'error'] as const;
    const r = simulateConnection(be, createBalancer(be), { start: 0, outcome: (_s, n) => ({ kind: kinds[n - 1] ?? 'error' }) });
    expect(r.result).toMatchObject({ kind: 'failed', termination: 'sC--', client: { mode: 'http', status: 503 } });
  });
  it('redispatch interval: -1 = last retry only (leastconn, so no round-robin shortcut); 2 = every second retry', () => {
    const f = { kind: 'timeout' as const, at: 0, server: 'a', serverRunning: true, activeServers: 2 };
    const run = (body: string) => {
      const be = backend(body);
      let st = INITIAL_ATTEMPT_STATE;
      const out: string[] = [];
      for (;;) {
        const d = nextAttempt(be, st, f);
        if (d.kind === 'give-up') return out;
        out.push(d.target.kind);
        st = d.state;
      }
    };
    const servers = '    server a 1.1.1.1:80\n    server b 1.1.1.2:80\n';
    expect(run(`    balance leastconn\n    option redispatch\n${servers}`)).toEqual(['same', 'same', 'redispatch']);
    expect(run(`    balance leastconn\n    option redispatch 2\n    retries 4\n${servers}`)).toEqual(['same', 'redispatch', 'same', 'redispatch']);
    expect(run(`    balance leastconn\n${servers}`)).toEqual(['same', 'same', 'same']);
    expect(run(`    balance roundrobin\n    option redispatch\n${servers}`)).toEqual(['redispatch', 'redispatch', 'redispatch']);
    expect(run(`    balance source\n    option redispatch\n    retries 1\n${servers}`)).toEqual(['redispatch']);
  });
  it('error on the same server waits min(timeout connect, 1 s)', () => {
    const be = backend('    timeout connect 300ms\n    server a 1.1.1.1:80\n');
    const d = nextAttempt(be, INITIAL_ATTEMPT_STATE, { kind: 'error', at: 50, server: 'a', serverRunning: true, activeServers: 1 });
    expect(d).toMatchObject({ kind: 'retry', delayMs: 300, at: 350 });
  });
});

describe('health checks', () => {
  const be = backend('    server a 1.1.1.1:80 check inter 2s fastinter 500 downinter 10s rise 2 fall 3\n');
  const c = be.servers[0]?.check;
  if (!c) throw new Error('no check');
  const run = (s: HealthState, results: boolean[]) => results.map((ok) => { const r = applyCheckResult(c, s, ok); s = r.state; return `${r.state.health}${r.state.up ? 'U' : 'D'}${r.transition === 'none' ? '' : '!'}`; });
  it('starts UP with health = rise: the first failure takes it DOWN', () => {
    const s0 = initialHealth(c);
    expect(s0).toEqual({ health: 2, up: true });
    expect(run(s0, [false])).toEqual(['0D!']);
    expect(nextCheckDelay(c, s0)).toBe(500);
  });
  it('fully UP needs fall failures to go down, DOWN needs rise successes to come back', () => {
    expect(run(initialHealth(c), [true, false, false, false, true, true, true])).toEqual(['4U', '3U', '2U', '0D!', '1D', '4U!', '4U']);
    expect(nextCheckDelay(c, { health: 4, up: true })).toBe(2000);
    expect(nextCheckDelay(c, { health: 0, up: false })).toBe(10000);
    expect(nextCheckDelay(c, { health: 1, up: false })).toBe(500);
  });
  it('connect timeout of a check, and HTTP expectations', () => {
    expect(checkConnectTimeout(c)).toBe(2000);
    const hb = backend('    timeout check 1s\n    option httpchk GET /healthz\n    http-check expect status 200-299\n    server a 1.1.1.1:80 check\n');
    const hc = hb.servers[0]?.check;
    expect(hc?.http?.send).toMatchObject({ method: 'GET', uri: '/healthz', version: 'HTTP/1.0' });
    expect(hc && checkConnectTimeout(hc)).toBe(2000);
    expect(hc && evaluateHttpCheck(hc, { status: 204 }).passed).toBe(true);
    expect(hc && evaluateHttpCheck(hc, { status: 503 }).passed).toBe(false);
    const d = backend('    option httpchk\n    server a 1.1.1.1:80 check\n').servers[0]?.check;
    expect(d && [evaluateHttpCheck(d, { status: 302 }).passed, evaluateHttpCheck(d, { status: 404 }).passed]).toEqual([true, false]);
  });
  it('checks inherit send-proxy unless port/addr override it; check-send-proxy forces it', () => {
    const m = backend('    server a 1.1.1.1:80 check send-proxy\n    server b 1.1.1.2:80 check send-proxy port 8080\n    server d 1.1.1.3:80 check port 8080 check-send-proxy send-proxy-v2\n');
    expect(m.servers.map((s) => s.check?.sendProxy)).toEqual(['v1', 'none', 'v2']);
  });
});

describe('PROXY protocol and forwardfor', () => {
  it('v1 lines', () => {
    expect(proxyV1Header({ srcAddr: '192.168.0.10', srcPort: 40000, dstAddr: '192.168.0.1', dstPort: 30080 })).toBe('PROXY TCP4 192.168.0.10 192.168.0.1 40000 30080\r\n');
    expect(proxyV1Header({ srcAddr: '2001:db8::1', srcPort: 1, dstAddr: '10.0.0.1', dstPort: 2 })).toBe('PROXY TCP6 2001:db8::1 ::ffff:10.0.0.1 1 2\r\n');
    expect(proxyV1Header(undefined)).toBe('PROXY UNKNOWN\r\n');
  });
  it('v2 bytes (doc/proxy-protocol.txt 2.2)', () => {
    const b = proxyV2Header({ srcAddr: '192.168.0.10', srcPort: 40000, dstAddr: '192.168.0.1', dstPort: 30080 });
    expect(Array.from(b)).toEqual([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a, 0x21, 0x11, 0x00, 0x0c,
      192, 168, 0, 10, 192, 168, 0, 1, 0x9c, 0x40, 0x75, 0x80]);
    expect(Array.from(proxyV2Header(undefined)).slice(12)).toEqual([0x20, 0x00, 0x00, 0x00]);
    expect(proxyV2Header({ srcAddr: '::1', srcPort: 1, dstAddr: '::2', dstPort: 2 }).length).toBe(16 + 36);
  });
  it('option forwardfor appends, honours except and if-none', () => {
    const h = [['Host', 'x'], ['X-Forwarded-For', '1.1.1.1']] as const;
    expect(applyForwardFor({ header: 'X-Forwarded-For', ifNone: false }, h, '192.168.0.10').headers).toEqual([...h, ['X-Forwarded-For', '192.168.0.10']]);
    expect(applyForwardFor({ header: 'X-Forwarded-For', ifNone: true }, h, '192.168.0.10').added).toBe(false);
    expect(applyForwardFor({ header: 'X-Client', ifNone: false, except: '192.168.0.0/24' }, h, '192.168.0.10').added).toBe(false);
  });
});

describe('frontend routing with ACLs', () => {
  const m = model(`${T}frontend f\n    mode http\n    bind :80\n    acl inner src 10.0.0.0/8\n    acl api path_beg /api\n    use_backend api if api inner\n    use_backend x if { hdr(host) -i X.example }\n    use_backend weird if { req.ssl_sni foo }\n    default_backend web\nbackend api\n    mode http\nbackend x\n    mode http\nbackend weird\n    mode http\nbackend web\n    mode http\n`);
  const fe = m.frontends[0];
  if (!fe) throw new Error('no frontend');
  it('evaluates simple ACLs in order', () => {
    expect(selectBackend(fe, { srcIp: '10.1.1.1', path: '/api/v1', headers: [] })).toMatchObject({ backend: 'api' });
    expect(selectBackend(fe, { srcIp: '192.168.1.1', path: '/api/v1', headers: [['Host', 'x.example']] })).toMatchObject({ backend: 'x' });
  });
  it('an unmodelled criterion is reported, never guessed', () => {
    expect(selectBackend(fe, { srcIp: '192.168.1.1', path: '/', headers: [['Host', 'y']] })).toMatchObject({ unsupported: expect.stringContaining('req.ssl_sni') });
  });
});
