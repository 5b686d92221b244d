import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { adjustHaproxyCfg, parseTcplogLine } from '../../lab/haproxy-adjust.js';
import { NGINX_1_19_INDEX_HTML, nginxConf, parseMainLogLine } from '../../lab/nginx-files.js';
import { checkTarget, classifyCurlExit, summarize } from '../../lab/probe.js';
import { compareResults } from '../../lab/verify.js';
import { tcpdumpArgv } from '../../lab/capture.js';
import { ICTSC_DIR } from './helpers.js';

describe('haproxy.cfg adjustments for a namespace', () => {
  const text = readFileSync(join(ICTSC_DIR, 'steps/2-haproxy.cfg'), 'utf8');
  const r = adjustHaproxyCfg(text, { chroot: '/state/lb/chroot', statsSocket: '/state/lb/sock' });

  it('changes only logging, chroot, stats socket and user/group, and says why', () => {
    expect(r.adjustments.map((a) => a.line)).toEqual([2, 3, 4, 5, 7, 8]);
    expect(r.text).toContain('    log stdout format raw local0\n');
    expect(r.text).toContain('    chroot /state/lb/chroot\n');
    expect(r.text).toContain('    stats socket /state/lb/sock mode 660 level admin\n');
    expect(r.text).not.toMatch(/^\s*user /m);
    const kept = text.split('\n').filter((_, i) => ![2, 3, 4, 5, 7, 8].includes(i + 1));
    expect(r.text.split('\n').filter((l) => kept.includes(l))).toEqual(kept);
    expect(r.text).toContain('    source 0.0.0.0 usesrc clientip');
  });

  it('reads the server from a tcplog line', () => {
    expect(parseTcplogLine('192.168.0.10:55692 [25/Nov/2026:21:44:10.286] nodeport nodeport/k8s2 1/0/1 850 -- 1/1/0/0/0 0/0')).toEqual({ clientIp: '192.168.0.10', clientPort: 55692, frontend: 'nodeport', backend: 'nodeport', server: 'k8s2' });
    expect(parseTcplogLine('Proxy nodeport started.')).toBeUndefined();
  });
});

describe('nginx pod files', () => {
  it('serves the 612-byte default page of nginx 1.19', () => {
    expect(Buffer.byteLength(NGINX_1_19_INDEX_HTML)).toBe(612);
    expect(NGINX_1_19_INDEX_HTML).toContain('<title>Welcome to nginx!</title>');
  });
  it('uses the official main log format and keeps every path in the pod directory', () => {
    const conf = nginxConf('/state/pods/p');
    expect(conf).toContain(`'$remote_addr - $remote_user [$time_local] "$request" '`);
    expect(conf).toContain('access_log  /state/pods/p/access.log  main;');
    for (const m of conf.matchAll(/(?:root|pid|error_log|access_log|_temp_path)\s+(\/\S+)/g)) expect(m[1]?.startsWith('/state/pods/p/')).toBe(true);
  });
  it('reads the client address from a main log line', () => {
    expect(parseMainLogLine('172.20.5.0 - - [25/Nov/2026:21:44:10 +0000] "GET /?t=1 HTTP/1.1" 200 612 "-" "curl/7.88.1" "-"')).toEqual({ remoteAddr: '172.20.5.0', request: 'GET /?t=1 HTTP/1.1', status: 200, bytes: 612 });
  });
});

describe('probe helpers', () => {
  it('classifies curl exit codes', () => {
    expect([0, 28, 7, 52, 56].map(classifyCurlExit)).toEqual(['ok', 'timeout', 'refused', 'reset', 'reset']);
    expect(classifyCurlExit(6)).toBeUndefined();
  });
  it('refuses targets outside the lab', () => {
    const lab = new Set(['192.168.0.1']);
    expect(checkTarget('192.168.0.1:30080', lab)).toEqual({ ip: '192.168.0.1', port: 30080 });
    expect(checkTarget('192.168.0.1', lab).port).toBe(80);
    expect(() => checkTarget('8.8.8.8:53', lab)).toThrow(/not an address inside the lab/);
    expect(() => checkTarget('192.168.0.2:80', lab)).toThrow();
    expect(() => checkTarget('lb:80', lab)).toThrow(/IPv4/);
  });
  it('summarizes and compares outcomes as counts and logged addresses as sets', () => {
    const t = (outcome: 'ok' | 'timeout', ip?: string) => ({ outcome, elapsedMs: 1, ...(ip ? { loggedClientIp: ip } : {}) });
    const k = { step: 0, from: 'h', to: 'x', tries: [t('ok', 'a'), t('timeout')], summary: summarize([t('ok', 'a'), t('timeout')]) };
    const s = { ...k, tries: [t('timeout'), t('ok', 'a')] };
    expect(compareResults(k, s)).toEqual([]);
    const s2 = { ...k, tries: [t('ok', 'b'), t('ok', 'a')], summary: summarize([t('ok', 'b'), t('ok', 'a')]) };
    expect(compareResults(k, s2)).toEqual(['ok: kernel 1, simulator 2', 'timeout: kernel 1, simulator 0', 'nginx logged: kernel {a}, simulator {a,b}']);
  });
  it('captures `any` as Linux cooked v2', () => {
    expect(tcpdumpArgv('any', '/f.pcap')).toEqual(['tcpdump', '-i', 'any', '-y', 'LINUX_SLL2', '-U', '-n', '-Z', 'root', '-s', '262144', '-w', '/f.pcap']);
    expect(tcpdumpArgv('eth0', '/f.pcap', { count: 5 })).not.toContain('LINUX_SLL2');
    // The divergent hop's captures: nanosecond stamps, no block buffering, short snaps in a larger ring.
    expect(tcpdumpArgv('any', '/f.pcap', { nanoseconds: true, immediate: true, snaplen: 2048, bufferKiB: 4096 })).toEqual(['tcpdump', '-i', 'any', '-y', 'LINUX_SLL2', '-U', '-n', '-Z', 'root', '-s', '2048', '-B', '4096', '--immediate-mode', '--time-stamp-precision=nano', '-w', '/f.pcap']);
  });
});
