// Evaluation of simple ACLs and of the backend choice of a frontend (doc 7.1 "ACL basics",
// 7.2 conditions, 7.4 pre-defined ACLs, 4.2 use_backend/default_backend). Modelled criteria:
// src, dst (addresses and networks), src_port, dst_port (ports and ranges), path, path_beg,
// path_end, path_sub, method, hdr/hdr_beg/hdr_end/hdr_sub(<name>), with -i; always_true,
// always_false. Anything else evaluates to "unsupported" with the ACL's location, never to a guess.
// ACL values are OR-ed; terms of a condition are AND-ed, `or` separates alternatives.

import { inCidr, parseCidr, parseIPv4 } from '../../core/ip.js';
import type { AclDef, Condition } from '../../parsers/haproxy-cfg/index.js';
import type { FrontendModel } from './model.js';

export interface AclContext {
  readonly srcIp?: string;
  readonly srcPort?: number;
  readonly dstIp?: string;
  readonly dstPort?: number;
  readonly method?: string;
  readonly path?: string;
  readonly httpVersion?: string;
  readonly headers?: readonly (readonly [string, string])[];
}

export type AclResult = boolean | { readonly unsupported: string; readonly acl?: AclDef };

const PREDEFINED: Readonly<Record<string, (c: AclContext) => boolean | undefined>> = {
  TRUE: () => true,
  FALSE: () => false,
  LOCALHOST: (c) => { const ip = c.srcIp !== undefined ? parseIPv4(c.srcIp) : undefined; return ip === undefined ? undefined : ip >>> 24 === 127; },
  METH_GET: (c) => (c.method === undefined ? undefined : c.method === 'GET' || c.method === 'HEAD'),
  METH_HEAD: (c) => (c.method === undefined ? undefined : c.method === 'HEAD'),
  METH_POST: (c) => (c.method === undefined ? undefined : c.method === 'POST'),
  METH_PUT: (c) => (c.method === undefined ? undefined : c.method === 'PUT'),
  METH_DELETE: (c) => (c.method === undefined ? undefined : c.method === 'DELETE'),
  METH_OPTIONS: (c) => (c.method === undefined ? undefined : c.method === 'OPTIONS'),
  'HTTP_1.0': (c) => (c.httpVersion === undefined ? undefined : c.httpVersion === 'HTTP/1.0'),
  'HTTP_1.1': (c) => (c.httpVersion === undefined ? undefined : c.httpVersion === 'HTTP/1.1'),
};

function header(c: AclContext, name: string): string[] {
  const n = name.toLowerCase();
  return (c.headers ?? []).filter(([k]) => k.toLowerCase() === n).map(([, v]) => v);
}

function portIn(p: number, v: string): boolean {
  const m = /^(\d+)(?::(\d+))?$/.exec(v);
  if (!m) return false;
  return m[2] === undefined ? p === Number(m[1]) : p >= Number(m[1]) && p <= Number(m[2]);
}

export function evaluateAcl(acl: AclDef, c: AclContext): AclResult {
  const ci = acl.flags.includes('-i');
  const norm = (s: string): string => (ci ? s.toLowerCase() : s);
  const unsupported = (why: string): AclResult => ({ unsupported: why, acl });
  const strMatch = (subject: string | undefined, pred: (s: string, v: string) => boolean): AclResult => {
    if (subject === undefined) return unsupported(`'${acl.criterion}' needs request data the context does not have`);
    return acl.values.some((v) => pred(norm(subject), norm(v)));
  };
  if (acl.flags.some((f) => f === '-f' || f === '-m' || f === '-M')) return unsupported(`ACL flags ${acl.flags.join(' ')} are not modelled`);
  const crit = acl.criterion;
  const hm = /^(hdr|hdr_beg|hdr_end|hdr_sub|req\.hdr)\(([^,)]+)\)$/.exec(crit);
  if (hm) {
    const kind = hm[1] as string;
    const vals = header(c, hm[2] as string);
    if (c.headers === undefined) return unsupported(`'${crit}' needs the request headers`);
    return vals.some((h) => acl.values.some((v) => {
      const a = norm(h), b = norm(v);
      return kind === 'hdr_beg' ? a.startsWith(b) : kind === 'hdr_end' ? a.endsWith(b) : kind === 'hdr_sub' ? a.includes(b) : a === b;
    }));
  }
  switch (crit) {
    case 'always_true': return true;
    case 'always_false': return false;
    case 'src': case 'dst': {
      const text = crit === 'src' ? c.srcIp : c.dstIp;
      if (text === undefined) return unsupported(`'${crit}' needs the ${crit === 'src' ? 'client' : 'destination'} address`);
      const ip = parseIPv4(text);
      if (ip === undefined) return unsupported(`IPv6 addresses in ACLs are not modelled`);
      return acl.values.some((v) => { const n = parseCidr(v); return n !== undefined && inCidr(ip, n); });
    }
    case 'src_port': case 'dst_port': {
      const p = crit === 'src_port' ? c.srcPort : c.dstPort;
      if (p === undefined) return unsupported(`'${crit}' needs the port`);
      return acl.values.some((v) => portIn(p, v));
    }
    case 'path': return strMatch(c.path?.split('?')[0], (s, v) => s === v);
    case 'path_beg': return strMatch(c.path?.split('?')[0], (s, v) => s.startsWith(v));
    case 'path_end': return strMatch(c.path?.split('?')[0], (s, v) => s.endsWith(v));
    case 'path_sub': return strMatch(c.path?.split('?')[0], (s, v) => s.includes(v));
    case 'method': return strMatch(c.method, (s, v) => s === v);
    default: return unsupported(`ACL criterion '${crit}' is not modelled`);
  }
}

export function evaluateCondition(cond: Condition, acls: readonly AclDef[], c: AclContext): AclResult {
  let any = false;
  for (const and of cond.anyOf) {
    let all = true;
    for (const t of and) {
      let r: AclResult;
      if (t.ref.kind === 'anonymous') r = evaluateAcl(t.ref.acl, c);
      else {
        const name = t.ref.name;
        const defs = acls.filter((a) => a.name === name);
        if (defs.length > 0) {
          // Several lines with the same ACL name are OR-ed.
          r = false;
          for (const d of defs) {
            const x = evaluateAcl(d, c);
            if (typeof x !== 'boolean') return x;
            if (x) { r = true; break; }
          }
        } else {
          const pre = PREDEFINED[name]?.(c);
          if (pre === undefined) return { unsupported: `pre-defined ACL '${name}' is not modelled or lacks data` };
          r = pre;
        }
      }
      if (typeof r !== 'boolean') return r;
      if (t.negate) r = !r;
      if (!r) { all = false; break; }
    }
    if (all) { any = true; break; }
  }
  return cond.polarity === 'if' ? any : !any;
}

/** The backend a frontend sends this connection to: first matching use_backend, else default_backend. */
export function selectBackend(fe: FrontendModel, c: AclContext): { readonly backend?: string; readonly why: string } | { readonly unsupported: string; readonly acl?: AclDef } {
  for (const u of fe.useBackends) {
    if (!u.cond) return { backend: u.backend, why: `use_backend ${u.backend} (line ${u.directive.loc.line})` };
    const r = evaluateCondition(u.cond, fe.acls, c);
    if (typeof r !== 'boolean') return r;
    if (r) return { backend: u.backend, why: `use_backend ${u.backend} (line ${u.directive.loc.line}): condition true` };
  }
  if (fe.defaultBackend !== undefined) return { backend: fe.defaultBackend, why: `default_backend ${fe.defaultBackend}` };
  return { why: 'no use_backend matched and there is no default_backend' };
}
