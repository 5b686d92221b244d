// nginx on a simulated host, as the segments it sends show: the head and a file sent by sendfile
// as two writes (the second held by Nagle until the head is acknowledged), one write when
// sendfile is off or tcp_nopush corks them, and the connection closed after the answer to an
// HTTP/1.0 request.
import { describe, expect, it } from 'vitest';
import { kinds, world, ipv4Of, PAIR } from '../../net/stack/helpers.js';
import { tcpConnect, tcpSend } from '../../net/stack/sim.js';
import { parseNginxConf } from '../../../sim/parsers/nginx-conf/index.js';
import { officialImageEnv, resolveNginx } from '../../../sim/apps/nginx/index.js';
import { startNginx } from '../../../sim/apps/nginx/runtime.js';

function serve(http: string, request: string): { segments: string[]; state: string; received: number } {
  const w = world(PAIR);
  const server = w.world.host('server');
  const conf = parseNginxConf(`http { access_log off; ${http} server { listen 80; location / { root /srv; } } }`, { file: 'nginx.conf' });
  expect(conf.diagnostics).toEqual([]);
  const model = resolveNginx(conf.value);
  expect(model.diagnostics).toEqual([]);
  startNginx(w.world, server, model.value, { ...officialImageEnv('1.19.3'), files: new Map([['/srv/index.html', 612]]) });
  const from = w.rec.events.length;
  const client = tcpConnect(w.world, w.world.host('client'), 'client', { ip: ipv4Of('10.0.1.20'), port: 80 }, {
    onConnected: (s) => tcpSend(w.world, w.world.host('client'), s, request),
  });
  if (typeof client === 'string') throw new Error(client);
  w.world.sched.run(w.world.now + 20_000);
  const segments = kinds(w.rec.events.slice(from), 'emit').filter((e) => e.host === 'server').map((e) => `${e.packet.flags ?? ''} ${e.packet.length - 40}`);
  return { segments, state: client.state, received: client.received };
}

const GET11 = 'GET / HTTP/1.1\r\nHost: 10.0.1.20\r\n\r\n';

describe('nginx on the wire', () => {
  it('sendfile on: the head, then the page once the head is acknowledged', () => {
    const r = serve('sendfile on;', GET11);
    expect(r.segments).toEqual(['SYN,ACK 0', 'ACK 0', 'PSH,ACK 238', 'PSH,ACK 612']);
    expect(r.received).toBe(850);
    expect(r.state).toBe('ESTABLISHED');
  });

  it('sendfile off (the default), or tcp_nopush on with it: one segment', () => {
    expect(serve('', GET11).segments).toEqual(['SYN,ACK 0', 'ACK 0', 'PSH,ACK 850']);
    expect(serve('sendfile on; tcp_nopush on;', GET11).segments).toEqual(['SYN,ACK 0', 'ACK 0', 'PSH,ACK 850']);
  });

  it('HTTP/1.0: Connection: close, and nginx closes with the FIN on the held page', () => {
    const r = serve('sendfile on;', 'GET / HTTP/1.0\r\n\r\n');
    expect(r.segments).toEqual(['SYN,ACK 0', 'ACK 0', 'PSH,ACK 233', 'FIN,PSH,ACK 612']);
    expect(r.received).toBe(845);
    expect(r.state).toBe('CLOSE_WAIT');
  });

  it('a bad value of sendfile is an error at its line', () => {
    const conf = parseNginxConf('http {\n  sendfile yes;\n}', { file: 'nginx.conf' });
    const m = resolveNginx(conf.value);
    expect(m.diagnostics.map((d) => `${d.severity} ${d.file}:${d.line}: ${d.message}`)).toEqual(['error nginx.conf:2: invalid value "yes" in "sendfile" directive, it must be "on" or "off"']);
  });
});
