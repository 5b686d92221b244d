// The moving layer over the static topology (excalidraw keeps them apart too): packets as tokens on
// a canvas above cytoscape's, drawn each frame from the playhead. A token travels its link's path
// (host, segment, host) in proportion to simulated time; an encapsulated packet is drawn wrapped in
// an outer ring; NAT rewrites flash the changed fields at the host; drops leave a mark with the rule.

import { easeCubicOut } from 'd3';
import type { Drop, Flash, Token } from '../state/selectors.js';
import { fiveTuple } from '../state/selectors.js';
import { hostId, linkPath } from '../graph/elements.js';

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface Palette {
  readonly token: string;
  readonly tokenReply: string;
  readonly tokenArp: string;
  readonly selected: string;
  readonly text: string;
  readonly textBg: string;
  readonly flash: string;
  readonly drop: string;
  readonly encap: string;
  readonly active: string;
}

export const PALETTES: Readonly<Record<'normal' | 'contrast', Palette>> = {
  normal: { token: '#4cc9f0', tokenReply: '#f7b801', tokenArp: '#9b9bb0', selected: '#ffffff', text: '#e8ecf4', textBg: 'rgba(10,14,22,0.85)', flash: '#ff8c42', drop: '#ff4d6d', encap: '#b388ff', active: '#ffd166' },
  contrast: { token: '#00e5ff', tokenReply: '#ffd600', tokenArp: '#ffffff', selected: '#ffffff', text: '#ffffff', textBg: '#000000', flash: '#ff9100', drop: '#ff1744', encap: '#ea80fc', active: '#ffff00' },
};

export interface FrameInput {
  readonly tokens: readonly Token[];
  readonly flashes: readonly Flash[];
  readonly drops: readonly Drop[];
  readonly selectedPacket: number;
  /** The host of the event under the playhead, ringed. */
  readonly activeHost: string | undefined;
  readonly palette: Palette;
  readonly scale: number; // 1 normal, ~1.6 presentation
  /** Client addresses, to colour replies apart from requests. */
  readonly clientAddrs: ReadonlySet<string>;
}

/** Where things are on screen, asked of the graph view once per frame. */
export interface Positions {
  position(nodeId: string): Point | undefined;
  readonly ifaceSegment: ReadonlyMap<string, string>;
}

export function pointAlong(points: readonly Point[], progress: number): Point {
  if (points.length === 0) return { x: 0, y: 0 };
  if (points.length === 1) return points[0] as Point;
  const lens: number[] = [];
  let total = 0;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1] as Point;
    const b = points[i] as Point;
    const l = Math.hypot(b.x - a.x, b.y - a.y);
    lens.push(l);
    total += l;
  }
  let d = Math.max(0, Math.min(1, progress)) * total;
  for (let i = 1; i < points.length; i++) {
    const l = lens[i - 1] as number;
    const a = points[i - 1] as Point;
    const b = points[i] as Point;
    if (d <= l || i === points.length - 1) {
      const f = l === 0 ? 0 : Math.min(1, d / l);
      return { x: a.x + (b.x - a.x) * f, y: a.y + (b.y - a.y) * f };
    }
    d -= l;
  }
  return points[points.length - 1] as Point;
}

export function tokenPoint(t: Token, pos: Positions): Point | undefined {
  if (t.at !== undefined) return pos.position(hostId(t.at));
  if (!t.from || !t.to) return undefined;
  const pts = linkPath(pos.ifaceSegment, t.from, t.to).map((id) => pos.position(id)).filter((p): p is Point => p !== undefined);
  return pts.length === 0 ? undefined : pointAlong(pts, t.progress);
}

const MAX_LABELS = 24;

export function drawFrame(ctx: CanvasRenderingContext2D, width: number, height: number, f: FrameInput, pos: Positions): number {
  ctx.clearRect(0, 0, width, height);
  const s = f.scale;
  const P = f.palette;
  ctx.font = `${Math.round(11 * s)}px ui-monospace, SFMono-Regular, Menlo, monospace`;
  ctx.textBaseline = 'middle';

  if (f.activeHost !== undefined) {
    const p = pos.position(hostId(f.activeHost));
    if (p) {
      ctx.strokeStyle = P.active;
      ctx.lineWidth = 3 * s;
      ctx.beginPath();
      ctx.arc(p.x, p.y, 24 * s, 0, Math.PI * 2);
      ctx.stroke();
    }
  }

  // One mark per host: the latest drop there, with how many came before it.
  const latest = new Map<string, { d: (typeof f.drops)[number]; n: number }>();
  for (const d of f.drops) latest.set(d.host, { d, n: (latest.get(d.host)?.n ?? 0) + 1 });
  for (const { d, n } of latest.values()) {
    const p = pos.position(hostId(d.host));
    if (!p) continue;
    const r = 9 * s;
    ctx.strokeStyle = P.drop;
    ctx.lineWidth = 3 * s;
    ctx.beginPath();
    ctx.moveTo(p.x - r, p.y - r - 18 * s);
    ctx.lineTo(p.x + r, p.y + r - 18 * s);
    ctx.moveTo(p.x + r, p.y - r - 18 * s);
    ctx.lineTo(p.x - r, p.y + r - 18 * s);
    ctx.stroke();
    const text = `${n > 1 ? `${n}× ` : ''}${d.disposition}${d.rule ? `: ${d.rule.raw}` : `: ${d.reason}`}`;
    label(ctx, text.length > 90 ? `${text.slice(0, 88)}…` : text, p.x + r + 4, p.y - 18 * s, P.drop, P.textBg, s);
  }

  for (const fl of f.flashes) {
    const p = pos.position(hostId(fl.host));
    if (!p) continue;
    const a = 1 - easeCubicOut(fl.age);
    ctx.globalAlpha = Math.max(0.15, a);
    ctx.strokeStyle = P.flash;
    ctx.lineWidth = 4 * s;
    ctx.beginPath();
    ctx.arc(p.x, p.y, (26 + 14 * fl.age) * s, 0, Math.PI * 2);
    ctx.stroke();
    const text = `${fl.nat} ${fl.changes.map((c) => `${c.field} ${c.from}→${c.to}`).join(', ')}`;
    label(ctx, text, p.x + 30 * s, p.y + 26 * s, P.flash, P.textBg, s);
    ctx.globalAlpha = 1;
  }

  let drawn = 0;
  const labelled = f.tokens.length <= MAX_LABELS;
  for (const t of f.tokens) {
    const p = tokenPoint(t, pos);
    if (!p) continue;
    drawn++;
    const reply = f.clientAddrs.has(t.packet.dst);
    const color = t.packet.proto === 'arp' ? P.tokenArp : reply ? P.tokenReply : P.token;
    const r = 7 * s;
    if (t.encap || t.packet.inner) {
      ctx.strokeStyle = P.encap;
      ctx.lineWidth = 3 * s;
      ctx.beginPath();
      ctx.arc(p.x, p.y, r + 5 * s, 0, Math.PI * 2);
      ctx.stroke();
    }
    ctx.fillStyle = color;
    ctx.beginPath();
    ctx.arc(p.x, p.y, r, 0, Math.PI * 2);
    ctx.fill();
    if (t.packetId === f.selectedPacket) {
      ctx.strokeStyle = P.selected;
      ctx.lineWidth = 2 * s;
      ctx.stroke();
    }
    if (labelled || t.packetId === f.selectedPacket) {
      const inner = t.packet.inner ? ` [${(t.encap ?? t.packet.proto).toUpperCase()}: ${fiveTuple(t.packet.inner)}]` : '';
      label(ctx, `${fiveTuple(t.packet)}${inner}`, p.x + r + 6 * s, p.y - r - 4 * s, P.text, P.textBg, s);
    }
  }
  return drawn;
}

function label(ctx: CanvasRenderingContext2D, text: string, x0: number, y: number, fg: string, bg: string, s: number): void {
  const w = ctx.measureText(text).width;
  // Keep the label on the canvas: flip it to the left of the point near the right edge.
  const right = ctx.canvas.width / (ctx.getTransform().a || 1);
  const x = x0 + w + 6 > right ? Math.max(3, right - w - 6) : x0;
  const h = 15 * s;
  ctx.fillStyle = bg;
  ctx.fillRect(x - 3, y - h / 2, w + 6, h);
  ctx.fillStyle = fg;
  ctx.fillText(text, x, y);
}
