// kube-scheduler and the workload controllers: which node each pod of a Deployment or DaemonSet
// lands on, or why it stays Pending, with the messages `kubectl describe pod` shows.
export { schedule } from './schedule.js';
export { scheduleInputFromObjects } from './from-objects.js';
export type { ObjectsExtras } from './from-objects.js';
export { PROFILES, PROFILE_NAMES, DEFAULT_PROFILE, REASON, SCORE_WEIGHTS } from './profiles.js';
export type { ProfileName, MessageProfile } from './profiles.js';
export { DEFAULT_ALLOCATABLE, DEFAULT_MILLI_CPU_REQUEST, DEFAULT_MEMORY_REQUEST, LABEL_HOSTNAME } from './cluster.js';
export { podTemplateHash, computeHash, safeEncodeString, fnv32a, ALPHANUMS } from './names.js';
export { fitErrorMessage, NO_NODES_AVAILABLE } from './fit-error.js';
export { daemonPodTolerations } from './workloads.js';
export { parseQuantity, milliValue, unitValue } from './quantity.js';
export * from './types.js';
