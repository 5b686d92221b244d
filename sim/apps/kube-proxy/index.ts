// Public surface of hoplab's kube-proxy (iptables mode) model.

export type {
  EndpointInfo,
  KubeProxyInput,
  RenderedRule,
  RenderedRules,
  RenderOptions,
  ServicePortEndpoints,
  ServicePortInfo,
  TableName,
} from './types.js';
export { Protocol, RuleOrder, ServiceType, SessionAffinity, TrafficPolicy } from './types.js';
export { renderKubeProxyRules, nodeJumpRules } from './render.js';
export { healthCheckResponse, healthCheckHttp, type HealthCheckOptions, type HealthCheckResponse, type GoHttpAnswer } from './health-check.js';
export { JUMP_RULES, KubeChain, jumpRuleArgs, type JumpRule } from './constants.js';
export {
  endpointChainName,
  endpointString,
  isServiceChainName,
  portProtoHash,
  serviceChainNames,
  servicePortNameString,
} from './chain-names.js';
export { computeProbability } from './table-writer.js';
export { iptablesSaveRuleText, xtablesSaveString } from './iptables-save-format.js';
export { sha256 } from './sha256.js';
export { base32StdEncode } from './base32.js';
