// The topology view: cytoscape for the static graph (pan, zoom, selection, addresses on hover) and a
// canvas above it for everything that changes while playing (renderer/animation), so playback never
// makes cytoscape redraw the graph. The frame loop is a d3 timer: it advances the
// playhead while playing and redraws the moving layer every frame.

import { useEffect, useMemo, useRef, useState } from 'react';
import cytoscape, { type Core } from 'cytoscape';
import fcose from 'cytoscape-fcose';
import { timer, type Timer } from 'd3';
import { buildElements, type GraphBuild } from './elements.js';
import { graphStyle } from './style.js';
import { appStore, useApp } from '../state/store.js';
import { dropsUpTo, natFlashes, tokensAt } from '../state/selectors.js';
import { drawFrame, PALETTES, type Positions } from '../animation/overlay.js';
import { useT } from '../i18n/index.js';
import type { EventOf } from '../engine/sim-types.js';

let registered = false;
function ensureFcose(): void {
  if (registered) return;
  cytoscape.use(fcose);
  registered = true;
}

const FLASH_US = 120;

export function GraphView(): React.JSX.Element {
  const t = useT();
  const host = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const cyRef = useRef<Core | null>(null);
  const buildRef = useRef<GraphBuild | null>(null);
  const model = useApp((s) => s.model);
  const pods = useApp((s) => s.pods);
  const index = useApp((s) => s.index);
  const presentation = useApp((s) => s.presentation);
  const [tip, setTip] = useState<{ x: number; y: number; title: string; body: string } | null>(null);

  const traceLinks = useMemo(() => {
    if (!index) return [];
    const seen = new Map<string, { from: { host: string; iface: string }; to: { host: string; iface: string } }>();
    for (const l of index.links) {
      const e = index.events[l.index] as EventOf<'link'>;
      seen.set(`${e.from.host}/${e.from.iface}>${e.to.host}/${e.to.iface}`, { from: e.from, to: e.to });
    }
    return [...seen.values()];
  }, [index]);
  const linkKey = traceLinks.map((l) => `${l.from.host}/${l.from.iface}>${l.to.host}/${l.to.iface}`).sort().join(',');

  useEffect(() => {
    ensureFcose();
    if (!host.current) return;
    const cy = cytoscape({ container: host.current, style: graphStyle(false), minZoom: 0.2, maxZoom: 4, boxSelectionEnabled: false });
    cyRef.current = cy;
    cy.on('tap', 'node', (e) => {
      const n = e.target;
      if (n.data('kind') === 'host') appStore.getState().selectNode(n.data('name') as string);
    });
    cy.on('tap', (e) => {
      if (e.target === cy) appStore.getState().selectNode(undefined);
    });
    cy.on('mouseover', 'node', (e) => {
      const n = e.target;
      const p = n.renderedPosition();
      setTip({ x: p.x, y: p.y, title: n.data('label') as string, body: `${n.data('role') as string}\n${(n.data('addresses') as string) || ''}` });
    });
    cy.on('mouseout', 'node', () => setTip(null));
    cy.on('pan zoom', () => setTip(null));
    // Panels shown or hidden change the graph's size: keep the whole topology in view.
    let size = '';
    const ro = new ResizeObserver(() => {
      const el = host.current;
      const next = el ? `${el.clientWidth}x${el.clientHeight}` : '';
      if (next === size) return;
      size = next;
      cy.resize();
      cy.fit(undefined, 40);
    });
    ro.observe(host.current);
    return () => {
      ro.disconnect();
      cy.destroy();
      cyRef.current = null;
    };
  }, []);

  useEffect(() => {
    const cy = cyRef.current;
    if (!cy || !model) return;
    const b = buildElements({ model, pods, traceLinks });
    buildRef.current = b;
    cy.batch(() => {
      cy.elements().remove();
      cy.add(b.elements.map((e) => ({ group: e.group, data: { ...e.data }, classes: e.classes, ...(e.position ? { position: { ...e.position } } : {}) })));
    });
    const layout = b.preset
      ? cy.layout({ name: 'preset', fit: true, padding: 40 })
      : cy.layout({ name: 'fcose', animate: false, randomize: true, nodeRepulsion: () => 9000, idealEdgeLength: () => 90, padding: 40 } as cytoscape.LayoutOptions);
    layout.run();
    cy.fit(undefined, 40);
  }, [model, pods, linkKey]);

  useEffect(() => {
    cyRef.current?.style(graphStyle(presentation));
    cyRef.current?.resize();
    cyRef.current?.fit(undefined, 40);
  }, [presentation]);

  // The frame loop: advance the playhead, then draw tokens, flashes and drops.
  useEffect(() => {
    let last = 0;
    const tm: Timer = timer((elapsed) => {
      const started = performance.now();
      frame(elapsed);
      window.__hoplabFrameWork?.push(performance.now() - started);
    });
    const frame = (elapsed: number): void => {
      const dt = last === 0 ? 16 : elapsed - last;
      last = elapsed;
      const st = appStore.getState();
      st.tick(dt);
      const s = appStore.getState();
      const cy = cyRef.current;
      const cv = canvas.current;
      const b = buildRef.current;
      if (!cy || !cv || !b || !host.current) return;
      const w = host.current.clientWidth;
      const h = host.current.clientHeight;
      const dpr = window.devicePixelRatio || 1;
      if (cv.width !== Math.round(w * dpr) || cv.height !== Math.round(h * dpr)) {
        cv.width = Math.round(w * dpr);
        cv.height = Math.round(h * dpr);
        cv.style.width = `${w}px`;
        cv.style.height = `${h}px`;
      }
      const ctx = cv.getContext('2d');
      if (!ctx) return;
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      if (!s.index) {
        ctx.clearRect(0, 0, w, h);
        return;
      }
      const cache = new Map<string, { x: number; y: number } | undefined>();
      const positions: Positions = {
        ifaceSegment: b.ifaceSegment,
        position: (id) => {
          if (cache.has(id)) return cache.get(id);
          const n = cy.getElementById(id);
          const p = n.nonempty() ? n.renderedPosition() : undefined;
          cache.set(id, p);
          return p;
        },
      };
      const tokens = tokensAt(s.index, s.time, s.cursor, s.hidden);
      const flashes = natFlashes(s.index, s.time, s.cursor, FLASH_US);
      const drops = dropsUpTo(s.index, s.cursor, s.hidden);
      const clientAddrs = new Set((s.model?.hosts ?? []).filter((x) => x.role === 'client').flatMap((x) => x.interfaces.flatMap((i) => i.addresses.map((a) => a.split('/')[0] as string))));
      drawFrame(ctx, w, h, { tokens, flashes, drops, activeHost: s.cursor >= 0 ? s.index.hostOf[s.cursor] : undefined, selectedPacket: s.cursor >= 0 ? (s.index.packetOf[s.cursor] as number) : -1, palette: PALETTES[s.presentation ? 'contrast' : 'normal'], scale: s.presentation ? 1.6 : 1, clientAddrs }, positions);
    };
    return () => tm.stop();
  }, []);

  return (
    <div className="graph" data-testid="graph">
      <div ref={host} className="graph-cy" />
      <canvas ref={canvas} className="graph-overlay" data-testid="overlay" />
      <button type="button" className="graph-fit" onClick={() => cyRef.current?.fit(undefined, 40)}>{t('graph.fit')}</button>
      {tip && (
        <div className="graph-tip" style={{ left: tip.x + 18, top: tip.y + 18 }} role="tooltip">
          <strong>{tip.title}</strong>
          <pre>{tip.body}</pre>
        </div>
      )}
    </div>
  );
}
