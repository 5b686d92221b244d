import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseNginxConf } from '../../../sim/parsers/nginx-conf/index.js';
import {
  handleRequest, indexHtmlSize, keepAliveFor, officialImageEnv, officialImageModel, resolveNginx, responseHead, specialResponseSize, type NginxEnv, type NginxRequest,
} from '../../../sim/apps/nginx/index.js';

const curl = (path: string, extra: Partial<NginxRequest> = {}): NginxRequest => ({
  clientAddr: '172.20.5.0', clientPort: 40000, method: 'GET', path, httpVersion: 'HTTP/1.1',
  headers: [['Host', '192.168.0.1:30080'], ['User-Agent', 'curl/7.58.0'], ['Accept', '*/*']],
  time: Date.UTC(2020, 9, 31, 5, 6, 32), ...extra,
});

describe('the ICTSC write-up log lines (official image, nginx 1.19)', () => {
  const m = officialImageModel('1.19.3');
  it('loads without diagnostics', () => expect(m.diagnostics).toEqual([]));
  it('GET / -> 200 612', () => {
    const r = handleRequest(m.value, curl('/', { time: Date.UTC(2020, 9, 31, 5, 1, 20) }));
    expect(r.accessLogLine).toBe('172.20.5.0 - - [31/Oct/2020:05:01:20 +0000] "GET / HTTP/1.1" 200 612 "-" "curl/7.58.0" "-"');
    expect(r.errorLogLines).toEqual([]);
  });
  it("GET / -> the image's head: 238 bytes, as the lab's captures show nginx sending it", () => {
    const env = officialImageEnv('1.19.3');
    const r = handleRequest(m.value, curl('/', { time: Date.UTC(2020, 9, 31, 5, 1, 20) }), env);
    expect(r.file).toBe('/usr/share/nginx/html/index.html');
    const head = responseHead({
      status: 200, version: env.version, serverTokens: 'on', timeMs: Date.UTC(2020, 9, 31, 5, 1, 20, 700), contentLength: r.contentLength,
      keepAlive: true, file: { path: r.file ?? '', mtime: env.mtimes?.get(r.file ?? '') ?? 0 },
    });
    expect(head).toBe('HTTP/1.1 200 OK\r\nServer: nginx/1.19.3\r\nDate: Sat, 31 Oct 2020 05:01:20 GMT\r\nContent-Type: text/html\r\nContent-Length: 612\r\n'
      + 'Last-Modified: Tue, 29 Sep 2020 14:12:31 GMT\r\nConnection: keep-alive\r\nETag: "5f7340cf-264"\r\nAccept-Ranges: bytes\r\n\r\n');
    expect(head.length).toBe(238);
  });
  it('GET /from_host01 -> 404 153 and the error line', () => {
    const env: NginxEnv = { ...officialImageEnv('1.19.3'), pid: 28 };
    const r = handleRequest(m.value, curl('/from_host01', { clientAddr: '172.16.0.12', time: Date.UTC(2020, 9, 31, 5, 6, 52), connection: 9 }), env);
    expect(r.errorLogLines).toEqual(['2020/10/31 05:06:52 [error] 28#28: *9 open() "/usr/share/nginx/html/from_host01" failed (2: No such file or directory), client: 172.16.0.12, server: localhost, request: "GET /from_host01 HTTP/1.1", host: "192.168.0.1:30080"']);
    expect(r.accessLogLine).toBe('172.16.0.12 - - [31/Oct/2020:05:06:52 +0000] "GET /from_host01 HTTP/1.1" 404 153 "-" "curl/7.58.0" "-"');
  });
  it('index.html and error page sizes follow the nginx version', () => {
    expect(['1.19.3', '1.21.1', '1.21.2', '1.25.3', '1.29.6'].map(indexHtmlSize)).toEqual([612, 612, 615, 615, 896]);
    expect(specialResponseSize(404, { version: '1.19.3', serverTokens: 'on' })).toBe(153);
    expect(specialResponseSize(404, { version: '1.19.3', serverTokens: 'off' })).toBe(146);
    expect(specialResponseSize(404, { version: '1.19.3', serverTokens: 'on', userAgent: 'Mozilla/5.0 (X11) Chrome/120.0 Safari/537.36' })).toBe(153 + 408);
    const newer = officialImageModel('1.25.3');
    expect(handleRequest(newer.value, curl('/'), officialImageEnv('1.25.3')).bodyBytes).toBe(615);
  });
});

describe('against real nginx 1.22.1 (fixtures/real/nginx-logs.json)', () => {
  const data = JSON.parse(readFileSync(new URL('./fixtures/real/nginx-logs.json', import.meta.url), 'utf8')) as {
    nginx: string; cases: { name: string; status_line: string; head: string[]; access: string[]; error: string[] }[];
  };
  const conf = `http {
    log_format  main  '$remote_addr - $remote_user [$time_local] "$request" '
                      '$status $body_bytes_sent "$http_referer" '
                      '"$http_user_agent" "$http_x_forwarded_for"';
    access_log /var/log/nginx/access.log main;
    server { listen 127.0.0.1:19081; server_name localhost; location / { root /srv/html; index index.html index.htm; } }
    server { listen 127.0.0.1:19082 proxy_protocol; server_name localhost; set_real_ip_from 127.0.0.1; real_ip_header proxy_protocol;
             location / { root /srv/html; index index.html index.htm; } }
    server { listen 127.0.0.1:19083; server_name localhost; set_real_ip_from 127.0.0.1; set_real_ip_from 10.0.0.0/8;
             real_ip_header X-Forwarded-For; real_ip_recursive on; location / { root /srv/html; index index.html index.htm; } }
}`;
  const parsed = parseNginxConf(conf, { file: 'nginx.conf' });
  const model = resolveNginx(parsed.value);
  const env: NginxEnv = { ...officialImageEnv(data.nginx), files: new Map([['/srv/html/index.html', 615]]), dirs: new Set(['/srv/html/emptydir']) };
  const hdrs: [string, string][] = [['Host', '192.168.0.1:30080'], ['User-Agent', 'curl/7.58.0'], ['Accept', '*/*'], ['Connection', 'close']];
  const reqs: Record<string, Partial<NginxRequest>> = {
    root: { path: '/' },
    'missing file': { path: '/from_host01' },
    'missing dir': { path: '/foo/' },
    'dir without index': { path: '/emptydir/' },
    'dir without slash': { path: '/emptydir' },
    'post to file': { method: 'POST', path: '/index.html', headers: [['Host', 'x'], ['Content-Length', '0'], ['Connection', 'close']] },
    'PROXY header on a plain listen': { path: '/', proxyProtocolAddr: '192.168.0.10', proxyProtocolPort: 40000, proxyProtocolDstAddr: '192.168.0.1', proxyProtocolDstPort: 30080 },
    'no PROXY header on a proxy_protocol listen': { path: '/', serverPort: 19082 },
    'PROXY header with realip proxy_protocol': { path: '/', serverPort: 19082, proxyProtocolAddr: '192.168.0.10', proxyProtocolPort: 40000 },
    'X-Forwarded-For recursive': { path: '/', serverPort: 19083, headers: [...hdrs.slice(0, 3), ['X-Forwarded-For', '203.0.113.7, 10.1.2.3'], ['Connection', 'close']] },
    'kept alive': { path: '/', headers: hdrs.slice(0, 3) },
    'HTTP/1.0': { path: '/', httpVersion: 'HTTP/1.0', headers: hdrs.slice(0, 3) },
    HEAD: { method: 'HEAD', path: '/' },
  };
  // The file's modification time is the fixture run's: Last-Modified and the ETag's first half are
  // compared as their shapes.
  const normHead = (l: string): string => l
    .replace(/^Date: .*/, 'Date: DATE').replace(/^Last-Modified: \w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT$/, 'Last-Modified: MTIME')
    .replace(/^ETag: "[0-9a-f]{8}-/, 'ETag: "MTIME-');
  const norm = (l: string): string => l
    .replace(/\/tmp\/tmp\w+\/html/g, '/srv/html')
    .replace(/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d/, 'TIME').replace(/\[\d\d\/\w+\/\d{4}:\d\d:\d\d:\d\d \+0000\]/, '[TIME]')
    .replace(/\] \d+#\d+: \*\d+ /, '] PID: ');
  for (const c of data.cases) {
    it(c.name, () => {
      const q = reqs[c.name];
      if (!q) throw new Error(`no request for ${c.name}`);
      const r = handleRequest(model.value, { clientAddr: '127.0.0.1', clientPort: 50000, method: 'GET', path: '/', httpVersion: 'HTTP/1.1', headers: hdrs, time: 0, serverAddr: '127.0.0.1', serverPort: 19081, ...q }, env);
      const status = /^HTTP\/1\.1 (\d+)/.exec(c.status_line)?.[1];
      expect(r.status === undefined ? undefined : String(r.status)).toBe(status);
      expect(r.accessLogLines.map(norm)).toEqual(c.access.map(norm));
      expect(r.errorLogLines.map(norm)).toEqual(c.error.length ? [norm(c.error.join('\r\n'))] : []);
      if (r.status === undefined) { expect(c.head).toEqual([]); return; }
      const head = responseHead({
        status: r.status, version: data.nginx, serverTokens: r.settings?.serverTokens ?? 'on', timeMs: 0, contentLength: r.contentLength,
        keepAlive: keepAliveFor(q.httpVersion ?? 'HTTP/1.1', q.headers ?? hdrs, r.status),
        ...(r.file !== undefined ? { file: { path: r.file, mtime: 0x6b07dab5 } } : {}), ...(r.redirect !== undefined ? { location: r.redirect } : {}),
      });
      expect(head.endsWith('\r\n\r\n')).toBe(true);
      const lines = head.slice(0, -4).split('\r\n');
      expect(lines[0]).toBe(c.status_line);
      expect(lines.slice(1).map(normHead)).toEqual(c.head.map(normHead));
    });
  }
});

describe('realip', () => {
  const conf = (extra: string, listen = '80') => resolveNginx(parseNginxConf(`http { log_format main '$remote_addr $http_x_forwarded_for'; access_log x main; server { listen ${listen}; ${extra} location / { root /r; } } }`, { file: 'n.conf' }).value).value;
  const env: NginxEnv = { ...officialImageEnv(), files: new Map([['/r/index.html', 10]]) };
  const r = (m: ReturnType<typeof conf>, q: Partial<NginxRequest>) => handleRequest(m, { clientAddr: '172.16.0.254', clientPort: 1, method: 'GET', path: '/', httpVersion: 'HTTP/1.1', headers: [], time: 0, ...q }, env);
  it('X-Real-IP by default, only from trusted peers', () => {
    const m = conf('set_real_ip_from 172.16.0.0/24;');
    expect(r(m, { headers: [['X-Real-IP', '192.168.0.10']] }).remoteAddr).toBe('192.168.0.10');
    expect(r(m, { clientAddr: '10.9.9.9', headers: [['X-Real-IP', '192.168.0.10']] }).remoteAddr).toBe('10.9.9.9');
  });
  it('X-Forwarded-For takes the last address unless recursive', () => {
    const h: [string, string][] = [['X-Forwarded-For', '1.1.1.1, 172.16.0.5']];
    expect(r(conf('set_real_ip_from 172.16.0.0/24; real_ip_header X-Forwarded-For;'), { headers: h }).remoteAddr).toBe('172.16.0.5');
    expect(r(conf('set_real_ip_from 172.16.0.0/24; real_ip_header X-Forwarded-For; real_ip_recursive on;'), { headers: h }).remoteAddr).toBe('1.1.1.1');
  });
  it('PROXY protocol: $remote_addr changes only with real_ip_header proxy_protocol from a trusted peer', () => {
    expect(r(conf('', '80 proxy_protocol'), { proxyProtocolAddr: '192.168.0.10' }).remoteAddr).toBe('172.16.0.254');
    expect(r(conf('set_real_ip_from 172.16.0.254; real_ip_header proxy_protocol;', '80 proxy_protocol'), { proxyProtocolAddr: '192.168.0.10' }).accessLogLine).toBe('192.168.0.10 -');
  });
});

describe('locations and return', () => {
  const m = resolveNginx(parseNginxConf(`http { access_log x combined; server { listen 80; location / { root /a; } location = /exact { return 204; }
    location ^~ /static/ { return 200 "static"; } location ~* \\.PNG$ { return 403; } location /img/ { return 200 "prefix"; } } }`, { file: 'n.conf' }).value).value;
  const env: NginxEnv = { ...officialImageEnv(), files: new Map([['/a/index.html', 5]]) };
  const go = (path: string) => handleRequest(m, { clientAddr: '1.1.1.1', clientPort: 1, method: 'GET', path, httpVersion: 'HTTP/1.1', headers: [], time: 0 }, env);
  it('= beats everything, ^~ stops regex search, regex beats plain prefix', () => {
    expect([go('/exact').status, go('/static/x.png').status, go('/img/x.png').status, go('/img/x.txt').status, go('/').status]).toEqual([204, 200, 403, 200, 200]);
    expect(go('/static/a').bodyBytes).toBe(6);
    expect(go('/').accessLogLine).toBe('1.1.1.1 - - [01/Jan/1970:00:00:00 +0000] "GET / HTTP/1.1" 200 5 "-" "-"');
  });
});
