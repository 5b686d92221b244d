// A Linux bridge (net/bridge/): ports are the devices enslaved to it (`master br0`); a frame that
// arrives on a port teaches the bridge where its source MAC lives, goes up the stack when it is
// addressed to the bridge itself (or is a broadcast), and is otherwise forwarded to the port that
// learnt its destination, or flooded. With br_netfilter (net.bridge.bridge-nf-call-iptables=1) a
// bridged IPv4 frame also traverses iptables PREROUTING, FORWARD and POSTROUTING, where
// `-m physdev` sees the ports (br_netfilter_hooks.c).

import type { Iface } from '../../model/netns.js';
import { BROADCAST_MAC, type EthFrame, type Mac } from '../packet.js';
import type { Host } from './host.js';
import { newSkb, summarize, type Skb } from './skb.js';
import type { World } from './world.js';
import { runHook, type HookOutcome } from './nf-hook.js';

const fdbs = new WeakMap<Iface, Map<string, string>>();

function fdb(br: Iface): Map<string, string> {
  let m = fdbs.get(br);
  if (!m) { m = new Map(); fdbs.set(br, m); }
  return m;
}

export function bridgePorts(h: Host, br: Iface): Iface[] {
  return [...h.ifaces.values()].filter((i) => i.master === br.name && i.up);
}

/**
 * br_handle_frame for a frame that arrived on `port`. `up` hands a frame to the bridge device's own
 * stack; `out` puts a frame on a port's wire.
 */
export function bridgeRcv(w: World, h: Host, port: Iface, frame: EthFrame, id: number, up: (br: Iface, f: EthFrame) => void, out: (p: Iface, f: EthFrame) => void): void {
  const br = h.ifaces.get(port.master ?? '');
  if (!br || br.kind !== 'bridge' || !br.up) return;
  fdb(br).set(frame.src, port.name);
  const toBridge = frame.dst === br.mac;
  const broadcast = frame.dst === BROADCAST_MAC;
  if (toBridge) { up(br, frame); return; }
  const learnt = broadcast ? undefined : fdb(br).get(frame.dst);
  const targets = learnt !== undefined ? bridgePorts(h, br).filter((p) => p.name === learnt) : bridgePorts(h, br).filter((p) => p.name !== port.name);
  if (broadcast) up(br, frame);
  for (const t of targets) {
    if (t.name === port.name) continue;
    if (frame.ip && brNetfilter(h)) {
      const skb = newSkb(frame.ip, id, 0, false, br.name);
      const verdict = bridgedHooks(w, h, br, port, t, skb);
      if (!verdict.ok) {
        if (w.rec.enabled) w.emit({ kind: 'end', t: w.now, host: h.host, packet: summarize(skb.pkt, id, skb.mark), disposition: verdict.disposition, reason: `bridged ${port.name} -> ${t.name}: ${verdict.reason}`, ...(verdict.rule ? { rule: verdict.rule, loc: verdict.rule.loc } : {}) });
        continue;
      }
      out(t, { ...frame, ip: skb.pkt });
      continue;
    }
    out(t, frame);
  }
}

/** The bridge device transmits: to the port that learnt the destination, or to every port. */
export function bridgeXmit(h: Host, br: Iface, frame: EthFrame, out: (p: Iface, f: EthFrame) => void): void {
  const learnt = frame.dst === BROADCAST_MAC ? undefined : fdb(br).get(frame.dst as Mac);
  const ports = bridgePorts(h, br);
  for (const p of learnt !== undefined ? ports.filter((x) => x.name === learnt) : ports) out(p, frame);
}

function brNetfilter(h: Host): boolean {
  return h.sysctl.bridgeNfCallIptables === 1;
}

function bridgedHooks(w: World, h: Host, br: Iface, inPort: Iface, outPort: Iface, skb: Skb): HookOutcome {
  const io = { in: br.name, out: br.name, physIn: inPort.name, physOut: outPort.name, bridged: true };
  const pre = runHook(w, h, 'PREROUTING', skb, { in: br.name, physIn: inPort.name, bridged: true });
  if (!pre.ok) return pre;
  const fwd = runHook(w, h, 'FORWARD', skb, io);
  if (!fwd.ok) return fwd;
  return runHook(w, h, 'POSTROUTING', skb, { out: br.name, physOut: outPort.name, bridged: true, nexthop: skb.pkt.dst });
}
