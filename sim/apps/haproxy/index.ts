// HAProxy decision logic (no sockets): resolved model, server selection, connection retries,
// health checks, PROXY protocol headers and X-Forwarded-For. The packet engine drives these.
export { resolveHaproxy, findBackendModel, HAPROXY_DEFAULTS } from './model.js';
export type { HaproxyModel, BackendModel, FrontendModel, ServerModel, CheckModel } from './model.js';
export { createBalancer, addressWords } from './balancer.js';
export type { Balancer, PickContext, ServerStates } from './balancer.js';
export { SERVER_STATUSES } from './lb-common.js';
export type { ServerStatus } from './lb-common.js';
export { nextAttempt, shouldRedispatch, INITIAL_ATTEMPT_STATE } from './connect-attempts.js';
export type { AttemptState, AttemptDecision, FailureInput, ConnectFailure, ClientOutcome } from './connect-attempts.js';
export { simulateConnection, KERNEL_SYN_GIVE_UP_MS } from './attempt-timeline.js';
export type { AttemptOutcome, TimelineEntry, TimelineResult } from './attempt-timeline.js';
export {
  initialHealth, applyCheckResult, nextCheckDelay, firstCheckDelay, checkConnectTimeout, checkSource, checkTarget,
  evaluateHttpCheck, checkNeedsBody, httpCheckRequest, readCheckResponse,
} from './health.js';
export type { HealthState, HealthStep, HealthTransition, CheckResponse } from './health.js';
export { proxyV1Header, proxyV2Header, parseProxyV1, PP2_SIGNATURE } from './proxy-protocol.js';
export type { ProxyEndpoints } from './proxy-protocol.js';
export { applyForwardFor } from './forwardfor.js';
export type { HeaderList } from './forwardfor.js';
export { evaluateAcl, evaluateCondition, selectBackend } from './acl-eval.js';
export type { AclContext, AclResult } from './acl-eval.js';
