// Linux IPv4 routing for one network namespace: state (devices, addresses, RPDB, tables) as
// immutable values, the kernel's checks when it changes, and the lookups packets meet.

export type { LinkState, RoutingState, RoutingError, Change, Errno, CreateOptions, AddrSpec } from './state.js';
export {
  createRoutingState, defaultRules, addLink, deleteLink, setLinkUp, addAddress, delAddress, addressRoutes, allRoutes, tableRoutes, addrsOf,
  isLocalAddress, link,
} from './state.js';
export { addRoute, applyRoute, buildRoute, deleteRoute, flushRoutes, insertChecked } from './routes.js';
export { addRule, applyRuleAdd, defaultRulePriority, deleteRule, flushRules, ruleFromSpec } from './rules.js';
export type { FibLookupDetail, FibLookupOptions, FibStep } from './fib-lookup.js';
export { fibLookup, fibLookupDetailed, lookupRoutes, ruleMatches } from './fib-lookup.js';
export type { SelectAddrOptions } from './select-addr.js';
export { inetSelectAddr, sourceFor } from './select-addr.js';
export type { MartianResult, ValidateSourceInput, ValidateSourceResult } from './validate-source.js';
export { martianCheck, validateSource } from './validate-source.js';
export { addrType, addrTypeMatches } from './addr-type.js';
export type { InputConf, InputDecision, OutputRoute } from './route-io.js';
export { routeInput, routeOutput } from './route-io.js';
export { applyIpCommand, applyIpCommands, errorDiagnostic, errorLocation } from './apply.js';
export { describeRouting } from './describe.js';
