// haproxy.cfg parser: public surface.
export { parseHaproxyCfg } from './parse.js';
export { serializeHaproxyCfg, formatHaproxyDirective } from './serialize.js';
export { effectiveSettings, findBackend, hasBackendCap, hasFrontendCap, proxies } from './inherit.js';
export { parseTime, formatTime, splitHostPort, parsePortRange } from './values.js';
export { splitHaproxyLine } from './tokenize.js';
export { formatCondition, PREDEFINED_ACLS } from './acl.js';
export { DEFAULT_HTTPCHK } from './http-check.js';
export * from './types.js';
