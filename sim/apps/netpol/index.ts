// NetworkPolicy engine: cluster state, per-connection verdicts with explanations (the call an
// enforcement point makes), and truth tables.
export type { NetpolCluster, NetpolNamespace, NetpolPod } from './cluster.js';
export { buildCluster, withPolicy, withoutPolicy, withNamespaceLabels, withPodLabels, policyKey } from './cluster.js';
export type { NetpolIndex, ResolvedEnd, EndRef } from './resolve.js';
export { indexCluster, resolveEnd, describeEnd, endName } from './resolve.js';
export type { ConnectionQuery, NetpolVerdict, DirectionVerdict, DirectionReason, RuleRef, PolicyRef, RuleMiss, Direction } from './evaluate.js';
export { evaluateConnection, checkPacket, isolatingPolicies, UnknownPodError, DIRECTION_REASONS } from './evaluate.js';
export { explainText, verdictToJson, PLACEMENT_NOTE, describePeer, describePort } from './explain-text.js';
export type { NetpolMatrix, MatrixOptions } from './matrix.js';
export { computeMatrix, matrixCell, parseIpList } from './matrix.js';
export type { MatrixJson, CellChange } from './matrix-format.js';
export { matrixToJson, formatMatrix, diffMatrices, formatDiff } from './matrix-format.js';
export { ipBlockContains, portEntryMatches, peerMatches, resolveNamedPort } from './match.js';
