// Proxy keywords (doc 4.1 "Proxy keywords matrix", 4.2 "Alphabetically sorted keywords reference")
// for defaults/frontend/backend/listen sections, with the section capabilities of 2.6. A keyword in
// a section that lacks the capability is ignored with a warning, as HAProxy's warnifnotcap does;
// `server` outside a backend is refused (failifnotcap in src/server.c parse_server).

import { diag, type Diagnostic } from '../../core/diagnostics.js';
import { parseAclBody, parseCondition } from './acl.js';
import type { ProxyBuilder } from './builder.js';
import { parseBindLine } from './bind-line.js';
import { parseHttpCheck, parseHttpchkOption } from './http-check.js';
import { parseServerLine, parseServerOptions, parseSourceClause } from './server-line.js';
import type { Word } from './tokenize.js';
import { BALANCE_ALGOS, MODES, TIMEOUT_NAMES, type BalanceAlgo, type Directive, type Mode, type ProxyKind, type TimeoutName } from './types.js';
import { parseTime, parseUint } from './values.js';

/** Capabilities as in the keyword matrix: [defaults, frontend, listen, backend]. */
type Caps = readonly [boolean, boolean, boolean, boolean];
const ALL: Caps = [true, true, true, true];
const BE: Caps = [true, false, true, true];
const FE: Caps = [true, true, true, false];
const FE_ONLY: Caps = [false, true, true, false];
const FE_BE_NO_DEF: Caps = [false, true, true, true];

const TIMEOUT_CAPS: Readonly<Record<TimeoutName, Caps>> = {
  connect: BE, client: FE, server: BE, check: BE, queue: BE, 'http-request': ALL, 'http-keep-alive': ALL,
  tunnel: BE, 'client-fin': FE, 'server-fin': BE, tarpit: ALL,
};

/** Boolean options the engine models (others known to 2.6 are reported unsupported). */
const MODELLED_OPTIONS: Readonly<Record<string, Caps>> = {
  tcplog: FE, httplog: FE, dontlognull: FE, allbackups: BE, abortonclose: BE, 'log-health-checks': BE,
};
const UNMODELLED_OPTIONS = new Set([
  'http-server-close', 'httpclose', 'http-keep-alive', 'tcpka', 'clitcpka', 'srvtcpka', 'nolinger',
  'persist', 'prefer-last-server', 'http-buffer-request', 'socket-stats', 'contstats', 'dontlog-normal',
  'independent-streams', 'splice-auto', 'splice-request', 'splice-response', 'log-separate-errors',
  'http-pretend-keepalive', 'http-no-delay', 'http-use-proxy-header', 'http-use-htx', 'accept-invalid-http-request',
  'accept-invalid-http-response', 'h1-case-adjust-bogus-client', 'h1-case-adjust-bogus-server', 'checkcache',
  'disable-h2-upgrade', 'http-ignore-probes', 'idle-close-on-response', 'originalto', 'spop-check', 'ssl-hello-chk',
  'smtpchk', 'pgsql-check', 'redis-check', 'mysql-check', 'ldap-check', 'tcp-check', 'external-check',
  'tcp-smart-accept', 'tcp-smart-connect', 'transparent', 'http-restrict-req-hdr-names',
]);

/** Proxy keywords of 2.6 that are accepted but not modelled. */
const UNMODELLED_KEYWORDS = new Set([
  'tcp-request', 'tcp-response', 'http-request', 'http-response', 'http-after-response', 'stick-table', 'stick',
  'cookie', 'errorfile', 'errorfiles', 'errorloc', 'errorloc302', 'errorloc303', 'http-error', 'capture',
  'compression', 'rate-limit', 'monitor-uri', 'monitor', 'stats', 'unique-id-format', 'unique-id-header',
  'log-format', 'log-format-sd', 'error-log-format', 'log-tag', 'hash-type', 'hash-balance-factor', 'fullconn',
  'http-reuse', 'http-send-name-header', 'persist', 'redirect', 'filter', 'email-alert', 'external-check',
  'force-persist', 'ignore-persist', 'dispatch', 'backlog', 'bind-process', 'max-keep-alive-queue', 'retry-on',
  'server-template', 'server-state-file-name', 'load-server-state-from-file', 'use-server', 'declare',
  'description', 'id', 'disabled', 'enabled', 'tcp-check', 'grace', 'maxconn-queue', 'http-check-unused',
  'log-steps', 'guid',
]);
/** Keywords removed before 2.6: HAProxy refuses them. */
const REMOVED_KEYWORDS: Readonly<Record<string, string>> = {
  contimeout: 'timeout connect', clitimeout: 'timeout client', srvtimeout: 'timeout server',
  reqadd: 'http-request add-header', reqdel: 'http-request del-header', reqrep: 'http-request replace-header',
  rspadd: 'http-response add-header', block: 'http-request deny', redisp: 'option redispatch',
  redispatch: 'option redispatch',
};

function capIndex(kind: ProxyKind): 0 | 1 | 2 | 3 {
  return kind === 'defaults' ? 0 : kind === 'frontend' ? 1 : kind === 'listen' ? 2 : 3;
}

export function proxyLabel(p: ProxyBuilder): string {
  return p.kind === 'defaults' ? `defaults${p.name ? ` '${p.name}'` : ''}` : `${p.kind} '${p.name ?? ''}'`;
}

/** Reads one line of a proxy section into the builder. `words[0]` is the keyword. */
export function applyProxyKeyword(p: ProxyBuilder, words: readonly Word[], d: Directive, out: Diagnostic[]): void {
  const kw = words[0] as Word;
  const at = (w: Word | undefined): { file: string; line: number; column: number } => ({ file: d.loc.file, line: d.loc.line, column: w?.column ?? kw.column });
  const allowed = (caps: Caps, what: string): boolean => {
    if (caps[capIndex(p.kind)]) return true;
    out.push(diag('warning', at(kw), `'${what}' ignored because ${proxyLabel(p)} has no ${caps[1] ? 'frontend' : 'backend'} capability`));
    return false;
  };
  const arg = (k: number): Word | undefined => words[k];
  const s = p.settings;

  // `no option x` / `default option x`
  if ((kw.text === 'no' || kw.text === 'default') && words[1]?.text === 'option') {
    applyOption(p, words.slice(2), d, out, kw.text === 'no' ? 'no' : 'default', kw);
    return;
  }
  if (kw.text === 'no' && words[1]?.text === 'log') { s.logs = []; return; }

  switch (kw.text) {
    case 'mode': {
      const v = arg(1);
      if (!v || !(MODES as readonly string[]).includes(v.text)) {
        out.push(diag('error', at(v), `'mode' expects one of 'tcp' or 'http'${v ? `, found '${v.text}'` : ''}`, { expected: 'tcp or http' }));
        return;
      }
      s.mode = { value: v.text as Mode, directive: d };
      return;
    }
    case 'bind': {
      if (p.kind === 'defaults' || p.kind === 'backend') {
        out.push(diag('error', at(kw), `'bind' not allowed in '${p.kind}' section`, { expected: 'bind in a frontend or listen section' }));
        return;
      }
      const b = parseBindLine(words, d, out);
      if (b) p.binds.push(b);
      return;
    }
    case 'server': {
      if (p.kind === 'defaults' || p.kind === 'frontend') {
        out.push(diag('error', at(kw), `'server' not allowed in '${p.kind}' section`, { expected: 'server in a backend or listen section' }));
        return;
      }
      const sv = parseServerLine(words, d, out, s.defaultServer?.value ?? {});
      if (sv) {
        const dup = p.servers.find((x) => x.name === sv.name);
        if (dup) out.push(diag('error', at(arg(1)), `server '${sv.name}' already defined in ${proxyLabel(p)} at line ${dup.directive.loc.line}`));
        else p.servers.push(sv);
      }
      return;
    }
    case 'default-server':
      if (!allowed(BE, kw.text)) return;
      s.defaultServer = { value: parseServerOptions(words, 1, d, out, s.defaultServer?.value ?? {}), directive: d };
      return;
    case 'source': {
      if (!allowed(BE, kw.text)) return;
      const r = parseSourceClause(words, 1, d, out, false);
      if (r.source) s.source = r.source;
      return;
    }
    case 'balance': {
      if (!allowed(BE, kw.text)) return;
      const v = arg(1);
      if (!v) { out.push(diag('error', at(kw), `'balance' expects an algorithm`, { expected: BALANCE_ALGOS.join(', ') })); return; }
      if ((BALANCE_ALGOS as readonly string[]).includes(v.text)) {
        if (words.length > 2) out.push(diag('error', at(arg(2)), `'balance ${v.text}' takes no argument`));
        s.balance = { value: v.text as BalanceAlgo, directive: d };
        return;
      }
      if (/^(random(\(\d+\))?|uri|url_param|hdr\(.*\)|rdp-cookie(\(.*\))?|hash)$/.test(v.text)) {
        out.push(diag('unsupported', at(v), `balance '${v.text}' is not modelled`, { expected: BALANCE_ALGOS.join(', '), code: 'haproxy-balance' }));
        return;
      }
      out.push(diag('error', at(v), `unknown balance algorithm '${v.text}'`, { expected: BALANCE_ALGOS.join(', ') }));
      return;
    }
    case 'timeout': {
      const n = arg(1);
      const v = arg(2);
      if (!n || !(TIMEOUT_NAMES as readonly string[]).includes(n.text)) {
        out.push(diag('error', at(n), `'timeout' supports ${TIMEOUT_NAMES.map((x) => `'${x}'`).join(', ')}${n ? `, found '${n.text}'` : ''}`, { expected: 'a timeout name' }));
        return;
      }
      const name = n.text as TimeoutName;
      if (!v) { out.push(diag('error', at(n), `'timeout ${name}' expects an integer value (in milliseconds)`, { expected: 'a time' })); return; }
      const t = parseTime(v.text);
      if (!t.ok) { out.push(diag('error', { file: d.loc.file, line: d.loc.line, column: v.column + t.offset }, `timeout ${name}: ${t.message}`, { expected: 'a number with an optional unit us, ms, s, m, h, d' })); return; }
      if (t.warning) out.push(diag('warning', at(v), t.warning));
      if (words.length > 3) out.push(diag('error', at(arg(3)), `'timeout ${name}' takes one value`));
      if (!allowed(TIMEOUT_CAPS[name], `timeout ${name}`)) return;
      s.timeouts[name] = { value: t.ms, directive: d };
      return;
    }
    case 'retries': {
      if (!allowed(BE, kw.text)) return;
      const v = arg(1);
      const n = v ? parseUint(v.text) : undefined;
      if (n === undefined) { out.push(diag('error', at(v), `'retries' expects an integer argument`, { expected: 'a non-negative integer' })); return; }
      s.retries = { value: n, directive: d };
      return;
    }
    case 'maxconn': {
      if (!allowed(FE, kw.text)) return;
      const v = arg(1);
      const n = v ? parseUint(v.text) : undefined;
      if (n === undefined) { out.push(diag('error', at(v), `'maxconn' expects an integer argument`, { expected: 'a non-negative integer' })); return; }
      s.maxconn = { value: n, directive: d };
      return;
    }
    case 'option':
      applyOption(p, words.slice(1), d, out, 'std', kw);
      return;
    case 'http-check':
      if (!allowed(BE, kw.text)) return;
      parseHttpCheck(p, words, d, out);
      return;
    case 'log':
      s.logs.push(d);
      return;
    case 'default_backend': {
      if (!allowed(FE, kw.text)) return;
      const v = arg(1);
      if (!v) { out.push(diag('error', at(kw), `'default_backend' expects a backend name`, { expected: 'a backend name' })); return; }
      s.defaultBackend = { value: v.text, directive: d };
      return;
    }
    case 'use_backend': {
      if (!FE_ONLY[capIndex(p.kind)]) {
        out.push(diag(p.kind === 'defaults' ? 'error' : 'warning', at(kw), `'use_backend' not allowed in ${proxyLabel(p)}`));
        return;
      }
      const v = arg(1);
      if (!v) { out.push(diag('error', at(kw), `'use_backend' expects a backend name`, { expected: 'a backend name' })); return; }
      if (words.length > 2) {
        const r = parseCondition(words.slice(2), d);
        if (r.error) { out.push(diag('error', at({ text: '', column: r.error.column }), `use_backend: ${r.error.message}`, { expected: 'if|unless <acl> ...' })); return; }
        p.useBackends.push({ backend: v.text, cond: r.cond as NonNullable<typeof r.cond>, directive: d });
      } else {
        p.useBackends.push({ backend: v.text, directive: d });
      }
      return;
    }
    case 'acl': {
      if (!FE_BE_NO_DEF[capIndex(p.kind)]) { out.push(diag('error', at(kw), `'acl' not allowed in 'defaults' section`)); return; }
      const nm = arg(1);
      if (!nm) { out.push(diag('error', at(kw), `'acl' expects a name and a criterion`, { expected: 'acl <name> <criterion> [flags] [values]' })); return; }
      if (!/^[A-Za-z0-9_.:-]+$/.test(nm.text)) { out.push(diag('error', at(nm), `invalid ACL name '${nm.text}'`)); return; }
      const r = parseAclBody(nm.text, words.slice(2), d, words[2]?.column ?? nm.column + nm.text.length);
      if (r.error) { out.push(diag('error', at({ text: '', column: r.error.column }), r.error.message, r.error.expected ? { expected: r.error.expected } : {})); return; }
      if (r.acl) p.acls.push(r.acl);
      return;
    }
    default:
      break;
  }
  if (kw.text in REMOVED_KEYWORDS) {
    out.push(diag('error', at(kw), `keyword '${kw.text}' was removed from HAProxy before 2.6`, { expected: REMOVED_KEYWORDS[kw.text] as string }));
    return;
  }
  if (UNMODELLED_KEYWORDS.has(kw.text)) {
    out.push(diag('unsupported', at(kw), `'${kw.text}' is not modelled`, { code: 'haproxy-keyword' }));
    return;
  }
  out.push(diag('error', at(kw), `unknown keyword '${kw.text}' in ${proxyLabel(p)}`, { expected: 'a proxy keyword (doc section 4)' }));
}

function applyOption(p: ProxyBuilder, words: readonly Word[], d: Directive, out: Diagnostic[], kwm: 'std' | 'no' | 'default', kw: Word): void {
  const at = (w: Word | undefined): { file: string; line: number; column: number } => ({ file: d.loc.file, line: d.loc.line, column: w?.column ?? kw.column });
  const name = words[0];
  if (!name) { out.push(diag('error', at(kw), `'option' expects an option name`)); return; }
  const s = p.settings;
  const enabled = kwm === 'std';
  const capsOk = (caps: Caps): boolean => {
    if (caps[capIndex(p.kind)]) return true;
    out.push(diag('warning', at(name), `'option ${name.text}' ignored because ${proxyLabel(p)} has no ${caps[1] ? 'frontend' : 'backend'} capability`));
    return false;
  };
  if (kwm === 'default') {
    out.push(diag('unsupported', at(kw), `'default option' is not modelled`, { code: 'haproxy-option' }));
    return;
  }
  switch (name.text) {
    case 'redispatch': {
      if (!capsOk(BE)) return;
      let interval = enabled ? -1 : 0;
      const v = words[1];
      if (enabled && v) {
        const m = /^-?\d+$/.exec(v.text);
        if (!m) { out.push(diag('error', at(v), `option redispatch: '${v.text}' is not an integer`, { expected: 'an integer interval' })); return; }
        interval = Number(v.text);
      }
      s.redispatch = { value: { enabled, interval }, directive: d };
      return;
    }
    case 'httpchk': {
      if (!capsOk(BE)) return;
      parseHttpchkOption(p, words, d, out, enabled);
      return;
    }
    case 'forwardfor': {
      if (!capsOk(ALL)) return;
      if (!enabled) { s.forwardfor = { value: null, directive: d }; return; }
      let header = 'X-Forwarded-For';
      let except: string | undefined;
      let ifNone = false;
      for (let k = 1; k < words.length; k++) {
        const w = words[k] as Word;
        if (w.text === 'if-none') { ifNone = true; continue; }
        if (w.text === 'except' || w.text === 'header') {
          const v = words[k + 1];
          if (!v) { out.push(diag('error', at(w), `option forwardfor: '${w.text}' expects an argument`)); return; }
          if (w.text === 'header') header = v.text; else except = v.text;
          k++;
          continue;
        }
        out.push(diag('error', at(w), `option forwardfor: unknown argument '${w.text}'`, { expected: 'except <net>, header <name> or if-none' }));
        return;
      }
      s.forwardfor = { value: except === undefined ? { header, ifNone } : { header, ifNone, except }, directive: d };
      return;
    }
    default:
      break;
  }
  const caps = MODELLED_OPTIONS[name.text];
  if (caps) {
    if (!capsOk(caps)) return;
    if (name.text === 'httplog' && words[1] && words[1].text !== 'clf') {
      out.push(diag('error', at(words[1]), `option httplog: unknown argument '${words[1].text}'`, { expected: 'clf' }));
    }
    s.options[name.text] = { enabled, directive: d };
    return;
  }
  if (UNMODELLED_OPTIONS.has(name.text)) {
    out.push(diag('unsupported', at(name), `option '${name.text}' is not modelled`, { code: 'haproxy-option' }));
    s.options[name.text] = { enabled, directive: d };
    return;
  }
  out.push(diag('error', at(name), `unknown option '${name.text}'`, { expected: 'an option of doc section 4' }));
}
