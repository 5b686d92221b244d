// The public API of the engine. Nothing outside sim/ imports deeper than this file.

export { TRACE_VERSION, DISPOSITIONS, SUCCESS_DISPOSITIONS } from './trace/events.js';
export type { Trace, TraceEvent, TraceEventKind, PacketSummary, Disposition, RuleInfo, RouteInfo, ConntrackInfo } from './trace/events.js';
export { formatEvent, formatPacket } from './trace/format.js';
export { TraceRecorder, NULL_RECORDER, type Recorder } from './trace/recorder.js';
export { formatDiagnostic, hasErrors, type Diagnostic, type Severity, type SourceLocation, type Parsed } from './core/diagnostics.js';
export { parseIPv4, formatIPv4, parseCidr, formatCidr, inCidr, type IPv4, type Cidr } from './core/ip.js';
export { exploreAll, randomChooser, type Chooser } from './core/choice.js';
export { seededRng } from './core/rng.js';

export { parseTopology, type Topology, type TopoHost, type TopoIface, type TopoStep, type TopoVariant, type StepChange, type FileKind } from './scenario/topology.js';
export { buildWorld, changesFor, type ScenarioFiles, type BuiltWorld, type HostSetup, type BuildOptions } from './scenario/build.js';
export { probe, parseTarget, type ProbeProto, type ProbeResult } from './scenario/probe.js';
export { World } from './net/stack/world.js';
export type { Host } from './net/stack/host.js';

export { parseIptablesSave, parseIptablesCommands, serializeIptablesSave } from './parsers/iptables-save/index.js';
export { parseIpCommands } from './parsers/iproute2/commands.js';

// Kubernetes objects, NetworkPolicy and kube-proxy.
export * from './parsers/k8s/index.js';
export * from './model/k8s/index.js';
export * from './apps/netpol/index.js';
export * as kubeProxy from './apps/kube-proxy/index.js';
export { renderKubeProxyRules, healthCheckResponse, type KubeProxyInput, type RenderedRules, type RuleOrder, type ServicePortInfo, type ServicePortEndpoints, type EndpointInfo } from './apps/kube-proxy/index.js';

// Scenarios: load, build a step, simulate requests.
export { loadScenario, buildScenario, type Scenario, type ScenarioWorld, type RunOptions } from './scenario/scenario.js';
export { simulate, runTries, TryRunner, possibleTries, SimulateError, type TriesRun, type SimulateOptions, type SimulateResult, type TryResult, type Outcomes } from './scenario/simulate.js';
export { mountedConfigMapFiles, type ClusterState, type PlacedPod } from './scenario/cluster.js';
export { curl, type CurlResult, type CurlOutcome } from './apps/curl/curl.js';
export { tellStory, sourceLineage } from './trace/story.js';

// The Calico-style addressing convention, shared with the real-kernel lab.
export { CALICO, caliVethName, tunnelAddress, vtepMac, nextPodAddress, inBlock, assignPodAddresses, type PodAddressing } from './apps/cni/plan.js';
export { sha1Hex } from './apps/cni/sha1.js';
export { diag } from './core/diagnostics.js';
export type { HostRole, Located, TopoAddress, TopoKubernetes, TopoRequest } from './scenario/topology.js';
export { traceRequest, type TraceRequest } from './scenario/trace-request.js';

// The netfilter engine and the scheduler, for tools that drive them directly (benchmarks, tests).
export { runTable } from './net/netfilter/run-table.js';
export type { NfEnv, NfVerdict, TableResult, Hook, Table } from './net/netfilter/api.js';
export { scriptedChooser } from './core/choice.js';
export { ipv4 } from './core/ip.js';
export { schedule, scheduleInputFromObjects, type ScheduleInput, type ScheduleResult, type ScheduledPod } from './apps/scheduler/index.js';
