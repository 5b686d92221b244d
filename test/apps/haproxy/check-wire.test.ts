// HAProxy's health checks on the wire, against what the lab's haproxy 2.6 sent and how it closed
// (captures of the health-check-nodeport variant, and of the same with a plain `check` and with
// `http-check send ... ver HTTP/1.1 hdr Host ...`): the request's bytes, the handshake ACK that
// rides on the request, and the RST that ends every check.
import { describe, expect, it } from 'vitest';
import { buildScenario, loadScenario, TraceRecorder, type ScenarioFiles, type TraceEvent } from '../../../sim/index.js';
import { evaluateHttpCheck, httpCheckRequest, readCheckResponse, resolveHaproxy } from '../../../sim/apps/haproxy/index.js';
import { parseHaproxyCfg } from '../../../sim/parsers/haproxy-cfg/index.js';
import { ictscFiles } from '../../scenario/ictsc-files.js';

const CFG = 'variants/health-check-haproxy.cfg';

/** The ICTSC folder with the health-check variant's haproxy.cfg edited. */
function withCheckConfig(edit: (cfg: string) => string): ScenarioFiles {
  const cfg = edit(ictscFiles.read(CFG) ?? '');
  return { read: (p) => (p === CFG ? cfg : ictscFiles.read(p)), list: (d) => ictscFiles.list(d) };
}

/** The first check connection's segments toward and from worker01's healthCheckNodePort. */
function firstCheck(files: ScenarioFiles): string[] {
  const rec = new TraceRecorder();
  const sw = buildScenario(loadScenario(files), { variant: 'health-check-nodeport', recorder: rec });
  sw.world.sched.run(500_000);
  const out: string[] = [];
  for (const e of rec.events as TraceEvent[]) {
    if (e.kind !== 'emit' || (e.packet.dport !== 32000 && e.packet.sport !== 32000)) continue;
    if (e.packet.proto !== 'tcp') continue;
    out.push(`${e.packet.dport === 32000 ? '>' : '<'} ${e.packet.flags}${e.packet.payload ? ` ${e.packet.payload}` : ''}`);
  }
  return out;
}

describe('the request HAProxy sends', () => {
  it('option httpchk: the request line and an empty line, nothing else (the lab captured 25 bytes)', () => {
    const r = httpCheckRequest({ method: 'GET', uri: '/healthz', version: 'HTTP/1.0', headers: [] });
    expect(r).toBe('GET /healthz HTTP/1.0\r\n\r\n');
    expect(r.length).toBe(25);
  });
  it('HTTP/1.1 with http-check send headers: lower-case names, then connection: close (the lab captured 76 bytes)', () => {
    const r = httpCheckRequest({ method: 'GET', uri: '/healthz', version: 'HTTP/1.1', headers: [{ name: 'Host', value: 'lb.example' }, { name: 'X-Check', value: 'yes' }] });
    expect(r).toBe('GET /healthz HTTP/1.1\r\nhost: lb.example\r\nx-check: yes\r\nconnection: close\r\n\r\n');
    expect(r.length).toBe(76);
  });
  it('a body brings its content-length', () => {
    expect(httpCheckRequest({ method: 'POST', uri: '/', version: 'HTTP/1.1', headers: [], body: 'ping' })).toBe('POST / HTTP/1.1\r\nconnection: close\r\ncontent-length: 4\r\n\r\nping');
  });
});

describe('reading the response', () => {
  const head = 'HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: 4\r\n\r\n';
  it('waits for the whole header block, then for Content-Length bytes', () => {
    expect(readCheckResponse('HTTP/1.1 503 Service Unav', false)).toBeUndefined();
    expect(readCheckResponse(`${head}ab`, false)).toEqual({ status: 503, reason: 'Service Unavailable', body: 'ab', complete: false });
    expect(readCheckResponse(`${head}abcd`, false)).toMatchObject({ body: 'abcd', complete: true });
    expect(readCheckResponse(`${head}ab`, true)).toMatchObject({ body: 'ab', complete: true });
  });
  it('decodes a chunked body (what the lab\'s stand-in server sends to HTTP/1.1)', () => {
    const chunked = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n';
    expect(readCheckResponse(chunked, false)).toMatchObject({ status: 200, body: 'hello', complete: false });
    expect(readCheckResponse(`${chunked}6\r\n world\r\n0\r\n\r\n`, false)).toMatchObject({ body: 'hello world', complete: true });
  });
  it('a response that is not HTTP has no status', () => {
    expect(readCheckResponse('SSH-2.0-OpenSSH_9.2\r\n\r\n', false)).toMatchObject({ status: 0, complete: true });
  });
});

describe('the reason HAProxy logs', () => {
  const check = (expects: string): Parameters<typeof evaluateHttpCheck>[0] => {
    const r = parseHaproxyCfg(`backend be\n    option httpchk GET /healthz\n${expects}    server a 1.1.1.1:80 check\n`, { file: 't.cfg' });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const c = resolveHaproxy(r.value).backends[0]?.servers[0]?.check;
    if (!c) throw new Error('no check');
    return c;
  };
  it('wrong status, with the reason phrase; passed, with the code', () => {
    const c = check('    http-check expect status 200\n');
    expect(evaluateHttpCheck(c, { status: 503, reason: 'Service Unavailable' }).haproxy).toBe('Layer7 wrong status, code: 503, info: "Service Unavailable"');
    expect(evaluateHttpCheck(c, { status: 200, reason: 'OK' }).haproxy).toBe('Layer7 check passed, code: 200');
  });
  it('a body that does not match', () => {
    const c = check('    http-check expect rstring localEndpoints.:.[1-9]\n');
    expect(evaluateHttpCheck(c, { status: 200, reason: 'OK', body: '"localEndpoints": 0' })).toMatchObject({ passed: false, haproxy: 'Layer7 invalid response, info: "HTTP content check did not match"' });
    expect(evaluateHttpCheck(c, { status: 503, reason: 'Service Unavailable', body: '"localEndpoints": 1' }).passed).toBe(true);
  });
});

describe('a check connection, packet by packet', () => {
  it('a TCP check: SYN, SYN-ACK, then RST (no ACK: TCP_QUICKACK is off and the connection is aborted)', () => {
    const files = withCheckConfig((c) => c.replace('    option httpchk GET /healthz\n', '').replace('    http-check expect status 200\n', ''));
    expect(firstCheck(files)).toEqual(['> SYN', '< SYN,ACK', '> RST,ACK']);
  });
  it('an HTTP check: the request carries the handshake ACK, the answer is not acknowledged, RST ends it', () => {
    const got = firstCheck(ictscFiles);
    expect(got.slice(0, 3)).toEqual(['> SYN', '< SYN,ACK', '> PSH,ACK GET /healthz HTTP/1.0']);
    // kube-proxy acknowledges the request, answers (worker01 has no local endpoint) and, the
    // request being HTTP/1.0, closes; HAProxy resets the connection on the answer.
    expect(got.slice(3, 6)).toEqual(['< ACK', '< PSH,ACK HTTP/1.0 503 Service Unavailable', '< FIN,ACK']);
    expect(got[6]).toBe('> RST,ACK');
    expect(got).not.toContain('> ACK');
  });
  it('body expectations wait for the body and decide the server\'s state', () => {
    const files = withCheckConfig((c) => c.replace('    http-check expect status 200\n', '    http-check expect rstring localEndpoints.:.[1-9]\n'));
    expect(loadScenario(files).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const sw = buildScenario(loadScenario(files), { variant: 'health-check-nodeport' });
    sw.world.sched.run(10_000_000);
    const lb = sw.haproxy.get('lb');
    expect([lb?.status('nodeport', 'k8s1'), lb?.status('nodeport', 'k8s2')]).toEqual(['down', 'up']);
  });
});
