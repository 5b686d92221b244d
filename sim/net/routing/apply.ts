// Applies parsed `ip …` commands (sim/parsers/iproute2) to a namespace's routing state, as running
// them on a host would: each command either changes the state or is refused with the kernel's or
// iproute2's answer. Refusals become diagnostics located at the word they are about (the `via`
// address for an unreachable gateway, the `dev` name for a missing device, the `src` address for
// an invalid preferred source), so a user sees file:line:column of the offending word.

import type { Diagnostic } from '../../core/diagnostics.js';
import type { IpCommand } from '../../parsers/iproute2/types.js';
import { applyRoute, deleteRoute, flushRoutes } from './routes.js';
import { applyRuleAdd, deleteRule, flushRules } from './rules.js';
import type { Change, RoutingError, RoutingState } from './state.js';
import { addAddress, delAddress, setLinkUp } from './state.js';

/** One command: the new state, or the unchanged state and the refusal. */
export function applyIpCommand(s: RoutingState, cmd: IpCommand): Change {
  const extra = { loc: cmd.loc, raw: cmd.raw };
  switch (cmd.kind) {
    case 'route':
      return cmd.op === 'del' ? deleteRoute(s, cmd.route) : applyRoute(s, cmd.op, cmd.route, extra);
    case 'route-flush':
      return flushRoutes(s, cmd.table);
    case 'rule':
      return cmd.op === 'del' ? deleteRule(s, cmd.rule) : applyRuleAdd(s, cmd.rule, extra);
    case 'rule-flush':
      return flushRules(s);
    case 'addr': {
      const spec = { dev: cmd.dev, addr: cmd.addr, prefix: cmd.prefix, scope: cmd.scope, ...(cmd.broadcast !== undefined ? { broadcast: cmd.broadcast } : {}) };
      return cmd.op === 'add' ? addAddress(s, spec) : delAddress(s, spec);
    }
    case 'link':
      return setLinkUp(s, cmd.dev, cmd.up);
  }
}

/** Where in the command an error points: the word its `arg` names (per nexthop for multipath), else the command's start. */
export function errorLocation(cmd: IpCommand, e: RoutingError): { line: number; column: number } {
  const start = { line: cmd.loc.line, column: cmd.loc.column ?? 1 };
  if (e.arg === undefined) return start;
  if (cmd.kind === 'route') {
    const nh = e.nexthop !== undefined ? cmd.route.nexthops[e.nexthop] : undefined;
    return nh?.cols[e.arg] ?? cmd.route.cols[e.arg] ?? cmd.route.cols.dst ?? start;
  }
  if (cmd.kind === 'rule') return cmd.rule.cols[e.arg] ?? start;
  if (cmd.kind === 'addr' || cmd.kind === 'link') return cmd.cols[e.arg] ?? start;
  return start;
}

/** The refusal as a located diagnostic. */
export function errorDiagnostic(cmd: IpCommand, e: RoutingError): Diagnostic {
  const at = errorLocation(cmd, e);
  return {
    severity: 'error',
    file: cmd.loc.file,
    line: at.line,
    column: at.column,
    message: `${e.message} (${e.errno})`,
    expected: expectedFor(e),
    code: `routing.${e.errno}`,
  };
}

function expectedFor(e: RoutingError): string {
  switch (e.arg) {
    case 'via': return 'a gateway reachable through a connected (link-scope) route, or `onlink`';
    case 'dev': return 'an existing device that is up';
    case 'src': return 'one of this host\'s addresses';
    case 'table': return 'an existing table';
    case 'priority': return e.errno === 'EEXIST' ? 'a rule that does not exist yet' : 'an existing rule';
    case 'goto': return 'a goto target greater than the rule\'s own priority';
    case 'scope': return 'a scope allowed for this route type';
    default: return e.errno === 'EEXIST' ? 'a route not yet in the table (or `ip route replace` / `append`)' : 'a change the kernel accepts';
  }
}

/** Applies commands in order; refused ones are reported and skipped, as a shell script without `set -e` goes on. */
export function applyIpCommands(s: RoutingState, cmds: readonly IpCommand[]): { readonly state: RoutingState; readonly diagnostics: readonly Diagnostic[] } {
  let state = s;
  const diagnostics: Diagnostic[] = [];
  for (const cmd of cmds) {
    const r = applyIpCommand(state, cmd);
    state = r.state;
    if (!r.ok) diagnostics.push(errorDiagnostic(cmd, r.error));
  }
  return { state, diagnostics };
}
