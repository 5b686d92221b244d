// Names of the lab's network namespaces and interfaces. Every namespace the lab creates starts
// with `hoplab-`; nothing else is ever created, entered or deleted.

export const NS_PREFIX = 'hoplab-';

export function hostNs(host: string): string {
  return `${NS_PREFIX}${host}`;
}

export function switchNs(segment: string): string {
  return `${NS_PREFIX}sw-${segment}`;
}

export function podNs(k8sNamespace: string, pod: string): string {
  return `${NS_PREFIX}pod-${k8sNamespace}-${pod}`;
}

/** Whether a namespace name is one the lab may create or delete. */
export function isLabNs(name: string): boolean {
  return name.startsWith(NS_PREFIX) && /^[A-Za-z0-9_.-]+$/.test(name) && name.length > NS_PREFIX.length && name.length <= 200;
}

/** A bridge port name in a switch namespace: `<host>-<iface>` when it fits IFNAMSIZ, else a short numbered one. */
export function bridgePortName(host: string, iface: string, index: number): string {
  const n = `${host}-${iface}`;
  return n.length <= 15 ? n : `port${index}`;
}

export const BRIDGE_NAME = 'br0';
