// iproute2 formats in and out: `ip route|rule|address|link …` command lines, `ip route show` /
// `ip rule show` text and their `ip -j` JSON, rt_tables names; serializers back to the same text.

export type { IpParseOptions } from './commands.js';
export { parseIpCommands } from './commands.js';
export type { ShowParseOptions } from './show.js';
export { parseRouteShow, parseRuleShow } from './show.js';
export { parseRouteJson, parseRuleJson } from './json.js';
export type { RouteFormatOptions, RuleFormatOptions } from './format.js';
export {
  describeRoute, formatRouteLine, formatRuleLine, routeToCommand, routeToJson, ruleToCommand, ruleToJson, serializeRouteShow, serializeRuleShow,
} from './format.js';
export type { TableNames } from './names.js';
export { DEFAULT_TABLE_NAMES, tableId, tableName, tableNames } from './names.js';
export type { ArgColumns, IpCommand, NexthopSpec, RouteOp, RouteSpec, RuleSpec, ShownRule } from './types.js';
