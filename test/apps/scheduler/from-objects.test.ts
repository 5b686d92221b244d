// Scheduler input built from parsed manifests: Nodes (as `kubectl get nodes -o yaml` prints them),
// Namespaces, Services, bound Pods and workloads.
import { describe, expect, it } from 'vitest';
import { parseManifests } from '../../../sim/parsers/k8s/index.js';
import { schedule, scheduleInputFromObjects } from '../../../sim/apps/scheduler/index.js';

const NODES = `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Node
  metadata:
    name: master
    labels: { kubernetes.io/hostname: master, node-role.kubernetes.io/master: "" }
  spec:
    taints:
    - { key: node-role.kubernetes.io/master, effect: NoSchedule }
- apiVersion: v1
  kind: Node
  metadata:
    name: worker01
    labels: { kubernetes.io/hostname: worker01 }
  spec:
    unschedulable: true
- apiVersion: v1
  kind: Node
  metadata:
    name: worker02
    labels: { kubernetes.io/hostname: worker02 }
`;

const WORKLOADS = `apiVersion: v1
kind: Pod
metadata: { name: db, namespace: my-ns, labels: { app: db } }
spec:
  nodeName: worker02
  containers: [{ name: db, image: postgres }]
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: my-ns }
spec:
  replicas: 2
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers: [{ name: nginx, image: nginx, ports: [{ containerPort: 80 }] }]
      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
          - labelSelector: { matchLabels: { app: web } }
            topologyKey: kubernetes.io/hostname
`;

describe('scheduleInputFromObjects', () => {
  it('reads taints, cordons, bound pods and affinity from manifests', () => {
    const parsed = parseManifests(`${NODES}---\n${WORKLOADS}`, { file: 'cluster.yaml' });
    expect(parsed.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const input = scheduleInputFromObjects(parsed.value, { allocatable: { worker02: { cpu: '4', memory: '8Gi', pods: 110 } } });
    expect(input.boundPods?.map((p) => p.name)).toEqual(['db']);
    const r = schedule(input, { profile: 'v1.19' });
    expect(r.pods.map((p) => p.nodeName ?? 'Pending')).toEqual(['worker02', 'Pending']);
    expect(r.pods[1]?.message).toBe(
      "0/3 nodes are available: 1 node(s) didn't match pod affinity/anti-affinity, 1 node(s) didn't match pod anti-affinity rules, 1 node(s) had taint {node-role.kubernetes.io/master: }, that the pod didn't tolerate, 1 node(s) were unschedulable.",
    );
    expect(r.notes.some((n) => n.startsWith('node worker02'))).toBe(false);
  });
});
