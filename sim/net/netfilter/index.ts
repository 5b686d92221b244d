// The netfilter model: rulesets, the table walker and the helpers the rest of the engine uses.

export { runTable } from './run-table.js';
export {
  emptyRuleset, emptyTable, cloneRuleset, rulesetTables, getTable, getChain, describeRule, allRules, zeroCounters,
  type Ruleset, type NfTable, type NfChain, type NfRule, type Counters, type ChainPolicy, type RuleColumns,
} from './ruleset.js';
export { applyIptablesCommand, RulesetBuilder, type IptablesCommand, type RuleDraft } from './commands.js';
export { validateTable, chainHooks, findJumpLoop, type RuleIssue } from './validate.js';
export type * from './rule-types.js';
export { formatProbability } from './matches/socket-statistic.js';
