// iptables-save / iptables-restore text and iptables command scripts, in and out.

export { parseIptablesSave } from './parse-save.js';
export { parseIptablesCommands, type OtherLine, type ParsedIptablesCommands } from './parse-commands.js';
export { serializeIptablesSave, type SerializeOptions } from './serialize.js';
export { saveRuleSpec } from './save-rule.js';
export { parseIptablesCommand } from './parse-command.js';
