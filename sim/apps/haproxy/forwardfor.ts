// `option forwardfor [except <network>] [header <name>] [if-none]` (doc 4.2; src/http_ana.c, 2.6):
// in HTTP mode, appends a header (X-Forwarded-For by default) carrying the client's address as the
// last header of the request, after any existing ones, so servers must trust the last occurrence.
// `except` skips clients in the network; `if-none` adds it only when no such header is present.

import { inCidr, parseCidr, parseIPv4 } from '../../core/ip.js';
import type { ForwardFor } from '../../parsers/haproxy-cfg/index.js';

export type HeaderList = readonly (readonly [string, string])[];

export function applyForwardFor(ff: ForwardFor, headers: HeaderList, clientIp: string): { readonly headers: HeaderList; readonly added: boolean; readonly why: string } {
  if (ff.except !== undefined) {
    const net = parseCidr(ff.except);
    const ip = parseIPv4(clientIp);
    if (net && ip !== undefined && inCidr(ip, net)) return { headers, added: false, why: `client ${clientIp} is in 'except ${ff.except}'` };
  }
  const name = ff.header.toLowerCase();
  if (ff.ifNone && headers.some(([n]) => n.toLowerCase() === name)) {
    return { headers, added: false, why: `'if-none' and the request already has ${ff.header}` };
  }
  return { headers: [...headers, [ff.header, clientIp]], added: true, why: `appended ${ff.header}: ${clientIp}` };
}
