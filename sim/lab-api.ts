// The parts of the engine the real-kernel lab (lab/) uses, re-exported in one place so that lab/
// never imports deeper than sim/. To be folded into sim/index.ts.

export { parseTopology } from './scenario/topology.js';
export type {
  FileKind,
  HostRole,
  Located,
  StepChange,
  TopoAddress,
  TopoHost,
  TopoIface,
  TopoKubernetes,
  TopoRequest,
  TopoStep,
  TopoVariant,
  Topology,
} from './scenario/topology.js';
export { parseManifestFiles } from './parsers/k8s/index.js';
export type {
  Deployment,
  DaemonSet,
  K8sObject,
  LabelSelector,
  Labels,
  Namespace,
  NetworkPolicy,
  NetworkPolicyPeer,
  NetworkPolicyPort,
  NetworkPolicyRule,
  Pod,
  PodSpec,
  PodTemplateSpec,
  Service,
  ServicePort,
} from './model/k8s/index.js';
export { matchesSelector, namespaceLabels, isKind } from './model/k8s/index.js';
export { renderKubeProxyRules } from './apps/kube-proxy/index.js';
export type { KubeProxyInput, ServicePortInfo, ServicePortEndpoints, EndpointInfo } from './apps/kube-proxy/index.js';
export { parseCidr, parseIPv4, formatIPv4, formatCidr, inCidr, type Cidr, type IPv4 } from './core/ip.js';
export { diag, formatDiagnostic, hasErrors, type Diagnostic, type Parsed, type SourceLocation } from './core/diagnostics.js';
