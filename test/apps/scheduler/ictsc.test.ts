// The ICTSC 2020 scenario (ictsc2020-nodeport-source-ip): master (control plane, tainted), worker01,
// worker02. The expected messages are the FitError format of kube-scheduler as clusters print it
// (field reports of 1.27-1.33 and 1.34+ clusters; 1.19-1.20 code).
import { describe, expect, it } from 'vitest';
import { exploreAll, scriptedChooser } from '../../../sim/core/choice.js';
import type { Chooser } from '../../../sim/core/choice.js';
import { schedule } from '../../../sim/apps/scheduler/index.js';
import type { ScheduleInput, ScheduleResult } from '../../../sim/apps/scheduler/index.js';
import { CONTROL_PLANE_TAINT, MASTER_TAINT, daemonSet, deployment, ictscInput, ictscNodes, inSel, placement, term } from './helpers.js';

function withReplicas(input: ScheduleInput, replicas: number, anti?: 'required' | 'preferred'): ScheduleInput {
  return {
    ...input,
    workloads: input.workloads.map((w) => {
      if (w.kind !== 'Deployment') return w;
      const spec = { ...w.template.spec };
      delete (spec as { nodeName?: string }).nodeName;
      const t = term(inSel('app', 'nginx'));
      const affinity = anti === undefined ? spec.affinity : { podAntiAffinity: anti === 'required' ? { required: [t] } : { preferred: [{ weight: 100, podAffinityTerm: t }] } };
      return { ...w, replicas, template: { ...w.template, spec: { ...spec, ...(affinity ? { affinity } : {}) } } };
    }),
  };
}

function outcomes(run: (c: Chooser) => ScheduleResult): Map<string, number> {
  const m = new Map<string, number>();
  for (const path of exploreAll((c) => run(c))) {
    const key = [...placement(path.result.pods)].sort().join(',');
    m.set(key, (m.get(key) ?? 0) + path.p);
  }
  return m;
}

describe('ICTSC 2020 nodes: master tainted, two workers', () => {
  it('the initial Deployment pins its pod with spec.nodeName: bound to worker02 without the scheduler', () => {
    const r = schedule(ictscInput(['k8s/00-namespace.yaml', 'k8s/10-deployment.yaml']));
    expect(r.pods).toHaveLength(1);
    expect(r.pods[0]).toMatchObject({ namespace: 'my-ns', nodeName: 'worker02', phase: 'Bound', boundBy: 'nodeName', labels: { app: 'nginx' } });
    expect(r.pods[0]?.event).toBeUndefined();
    expect(r.pods[0]?.ports).toEqual([expect.objectContaining({ containerPort: 80, protocol: 'TCP' })]);
  });

  it('replicas 1 without nodeName lands on worker01 or worker02 with probability 1/2 each, never on master', () => {
    const input = withReplicas(ictscInput(['k8s/10-deployment.yaml']), 1);
    const m = outcomes((c) => schedule(input, { choose: c.choose }));
    expect(Object.fromEntries(m)).toEqual({ worker01: 0.5, worker02: 0.5 });
    const one = schedule(input, { seed: 7 });
    expect(one.pods[0]?.event?.message).toBe(`Successfully assigned my-ns/${one.pods[0]?.name} to ${one.pods[0]?.nodeName}`);
    expect(one.pods[0]?.decision?.verdicts.find((v) => v.node === 'master')).toMatchObject({ plugin: 'TaintToleration', code: 'UnschedulableAndUnresolvable' });
  });

  it('step 4: replicas 2 with required anti-affinity on kubernetes.io/hostname puts one pod on each worker', () => {
    const input = ictscInput(['k8s/00-namespace.yaml', 'steps/4-deployment-anti-affinity.yaml']);
    const m = outcomes((c) => schedule(input, { choose: c.choose }));
    expect(Object.fromEntries(m)).toEqual({ 'worker01,worker02': 1 });
  });

  it('replicas 3 with required anti-affinity: the third pod stays Pending with the 1.27 message', () => {
    const input = withReplicas(ictscInput(['steps/4-deployment-anti-affinity.yaml']), 3, 'required');
    for (const path of exploreAll((c) => schedule(input, { choose: c.choose }))) {
      const pods = path.result.pods;
      expect([...placement(pods)].sort()).toEqual(['Pending', 'worker01', 'worker02']);
      const pending = pods.find((p) => p.phase === 'Pending');
      expect(pending?.message).toBe(
        '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 node(s) didn\'t match pod anti-affinity rules. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.',
      );
      expect(pending?.event).toEqual({ type: 'Warning', reason: 'FailedScheduling', from: 'default-scheduler', message: pending?.message });
    }
  });

  it('the same Pending pod as 1.34+ and 1.19 clusters print it', () => {
    const input = withReplicas(ictscInput(['steps/4-deployment-anti-affinity.yaml']), 3, 'required');
    const pendingMsg = (r: ScheduleResult) => r.pods.find((p) => p.phase === 'Pending')?.message;
    expect(pendingMsg(schedule(input, { profile: 'v1.34' }))).toBe(
      "0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 node(s) didn't match pod anti-affinity rules. no new claims to deallocate, preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.",
    );
    const legacy = { ...input, nodes: ictscNodes(MASTER_TAINT) };
    expect(pendingMsg(schedule(legacy, { profile: 'v1.19' }))).toBe(
      "0/3 nodes are available: 1 node(s) had taint {node-role.kubernetes.io/master: }, that the pod didn't tolerate, 2 node(s) didn't match pod affinity/anti-affinity, 2 node(s) didn't match pod anti-affinity rules.",
    );
    expect(pendingMsg(schedule(legacy))).toContain('1 node(s) had untolerated taint {node-role.kubernetes.io/master: }');
  });

  it('replicas 3 with preferred anti-affinity: all placed, spread 2/1 over the workers, never on master', () => {
    const input = withReplicas(ictscInput(['steps/4-deployment-anti-affinity.yaml']), 3, 'preferred');
    const m = outcomes((c) => schedule(input, { choose: c.choose }));
    expect(Object.fromEntries(m)).toEqual({ 'worker01,worker01,worker02': 0.5, 'worker01,worker02,worker02': 0.5 });
  });

  it('the second preferred pod goes to the other worker: no tie, anti-affinity and spreading both score it', () => {
    const input = withReplicas(ictscInput(['steps/4-deployment-anti-affinity.yaml']), 2, 'preferred');
    const c = scriptedChooser([0]);
    const r = schedule(input, { choose: c.choose });
    expect(c.made).toHaveLength(1); // only the first pod's tie
    const second = r.pods[1];
    expect(second?.nodeName).not.toBe(r.pods[0]?.nodeName);
    const loser = second?.decision?.scores?.find((s) => s.node === r.pods[0]?.nodeName);
    expect(loser?.plugins.InterPodAffinity?.normalized).toBe(0);
    expect(loser?.plugins.PodTopologySpread?.normalized).toBeLessThan(100);
  });

  it('a DaemonSet runs on the two workers; the control-plane taint keeps it off master unless tolerated', () => {
    const r = schedule({ nodes: ictscNodes(), workloads: [daemonSet('agent')] });
    expect(placement(r.pods)).toEqual(['worker01', 'worker02']);
    for (const p of r.pods) expect(p.name).toMatch(/^agent-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    const tolerated = schedule({ nodes: ictscNodes(), workloads: [daemonSet('agent', { tolerations: [{ key: CONTROL_PLANE_TAINT.key, operator: 'Exists', effect: 'NoSchedule' }] })] });
    expect(placement(tolerated.pods)).toEqual(['master', 'worker01', 'worker02']);
  });

  it('a Deployment that tolerates the control-plane taint may also land on master', () => {
    const d = deployment('x', 1, { tolerations: [{ operator: 'Exists' }] });
    const m = outcomes((c) => schedule({ nodes: ictscNodes(), workloads: [d] }, { choose: c.choose }));
    expect(Object.fromEntries(m)).toEqual({ master: 1 / 3, worker01: 1 / 3, worker02: 1 / 3 });
  });
});
