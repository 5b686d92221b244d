// core/v1 Node: labels, taints, addresses and podCIDR (pkg/apis/core/validation ValidateNode:
// taint keys are qualified names, effects NoSchedule|PreferNoSchedule|NoExecute, podCIDR a CIDR).
import { childPath } from '../../model/k8s/meta.js';
import type { ObjectBase } from '../../model/k8s/meta.js';
import type { Node, NodeAddress, Taint } from '../../model/k8s/node.js';
import { NODE_ADDRESS_TYPES } from '../../model/k8s/node.js';
import { TAINT_EFFECTS } from '../../model/k8s/pod.js';
import { checkCidr } from './cidr.js';
import { labelValue, qualifiedName } from './names.js';
import type { Ctx, YMap } from './reader.js';
import { asMap, bool, get, invalid, list, required, str, strList, unsupported } from './reader.js';

const SPEC = ['configSource', 'externalID', 'podCIDR', 'podCIDRs', 'providerID', 'taints', 'unschedulable'] as const;
const STATUS = ['addresses', 'allocatable', 'capacity', 'conditions', 'config', 'daemonEndpoints', 'declaredFeatures', 'features', 'images', 'nodeInfo', 'phase', 'runtimeHandlers', 'volumesAttached', 'volumesInUse'] as const;

export function decodeNode(ctx: Ctx, root: YMap, base: ObjectBase): Node {
  const m = asMap(ctx, get(root, 'spec'), 'spec', SPEC);
  const podCIDRText = str(ctx, m, 'spec', 'podCIDR');
  const podCIDRs = strList(ctx, m, 'spec', 'podCIDRs');
  const taints: Taint[] = [];
  for (const { value, path } of list(ctx, m, 'spec', 'taints')) {
    const t = asMap(ctx, value, path, ['key', 'value', 'effect', 'timeAdded']);
    if (!t) continue;
    const key = str(ctx, t, path, 'key', { required: true }) ?? '';
    if (key) for (const msg of qualifiedName(key)) invalid(ctx, get(t, 'key')?.pos ?? t.pos, childPath(path, 'key'), key, msg);
    const val = str(ctx, t, path, 'value');
    if (val) for (const msg of labelValue(val)) invalid(ctx, get(t, 'value')?.pos ?? t.pos, childPath(path, 'value'), val, msg);
    const et = str(ctx, t, path, 'effect');
    const effect = TAINT_EFFECTS.find((e) => e === et);
    if (!et) required(ctx, t.pos, childPath(path, 'effect'));
    else if (!effect) unsupported(ctx, get(t, 'effect')?.pos ?? t.pos, childPath(path, 'effect'), et, TAINT_EFFECTS);
    if (key && effect) taints.push(val ? { key, value: val, effect } : { key, effect });
  }
  const spec: { -readonly [K in keyof Node['spec']]: Node['spec'][K] } = { podCIDRs, taints, unschedulable: bool(ctx, m, 'spec', 'unschedulable') ?? false };
  if (podCIDRText) {
    const c = checkCidr(podCIDRText);
    if (!c.ok) invalid(ctx, get(m, 'podCIDR')?.pos ?? root.pos, 'spec.podCIDR', podCIDRText, c.message);
    else if (c.family === 4) spec.podCIDR = c.cidr;
  }
  const st = asMap(ctx, get(root, 'status'), 'status', STATUS);
  const addresses: NodeAddress[] = [];
  for (const { value, path } of list(ctx, st, 'status', 'addresses')) {
    const a = asMap(ctx, value, path, ['type', 'address']);
    const tt = str(ctx, a, path, 'type');
    const type = NODE_ADDRESS_TYPES.find((x) => x === tt);
    if (!type) { unsupported(ctx, get(a, 'type')?.pos ?? value.pos, childPath(path, 'type'), tt ?? '', NODE_ADDRESS_TYPES); continue; }
    const address = str(ctx, a, path, 'address', { required: true });
    if (address) addresses.push({ type, address });
  }
  return { ...base, kind: 'Node', spec, status: { addresses } };
}
