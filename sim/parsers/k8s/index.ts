export { parseManifests, parseManifestFiles, decodeManifests } from './manifests.js';
export type { ManifestOptions } from './manifests.js';
export { allocateNodePorts } from './node-ports.js';
export { checkCidr } from './cidr.js';
export * as k8sNames from './names.js';
