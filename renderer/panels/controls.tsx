// Playback as Packet Tracer's simulation mode has it: play/pause, step forward, step back (to any
// earlier event, also from the event list), speed, filters, and a timeline scrubber drawn with d3
// (scale and axis) on the compressed display axis, labelled in simulated time.

import { useEffect, useRef, useState } from 'react';
import { axisBottom, scaleLinear, select } from 'd3';
import { appStore, SPEEDS, useApp } from '../state/store.js';
import { useT } from '../i18n/index.js';
import { CATEGORIES } from '../state/trace-index.js';
import { SUCCESS } from '../engine/sim-types.js';


const ICONS = {
  rewind: 'M4 4h2v12H4zM16 4v12L7 10z',
  back: 'M10 4v12L2 10zM18 4v12l-8-6z',
  play: 'M5 3v14l12-7z',
  pause: 'M5 3h4v14H5zM11 3h4v14h-4z',
  forward: 'M2 4v12l8-6zM10 4v12l8-6z',
} as const;

function Icon({ d }: { d: string }): React.JSX.Element {
  return <svg width="16" height="16" viewBox="0 0 20 20" aria-hidden="true"><path d={d} fill="currentColor" /></svg>;
}

export function Controls(): React.JSX.Element {
  const t = useT();
  const playing = useApp((s) => s.playing);
  const speed = useApp((s) => s.speed);
  const hidden = useApp((s) => s.hidden);
  const cursor = useApp((s) => s.cursor);
  const visible = useApp((s) => s.visible);
  const time = useApp((s) => s.time);
  const has = useApp((s) => s.events.length > 0);
  const st = appStore.getState();
  const pos = visible.indexOf(cursor);
  return (
    <div className="controls" role="toolbar" aria-label={t('controls.timeline')}>
      <div className="row">
        <button type="button" data-testid="rewind" disabled={!has} title={t('controls.rewind')} aria-label={t('controls.rewind')} onClick={st.rewind}><Icon d={ICONS.rewind} /></button>
        <button type="button" data-testid="step-back" disabled={!has} title={t('controls.stepBack')} aria-label={t('controls.stepBack')} onClick={st.stepBack}><Icon d={ICONS.back} /></button>
        <button type="button" data-testid="play" className="primary" disabled={!has} title={playing ? t('controls.pause') : t('controls.play')} aria-label={playing ? t('controls.pause') : t('controls.play')} onClick={st.togglePlay}><Icon d={playing ? ICONS.pause : ICONS.play} /></button>
        <button type="button" data-testid="step-forward" disabled={!has} title={t('controls.stepForward')} aria-label={t('controls.stepForward')} onClick={st.stepForward}><Icon d={ICONS.forward} /></button>
        <label className="inline">
          {t('controls.speed')}
          <select value={speed} onChange={(e) => st.setSpeed(Number(e.target.value))}>
            {SPEEDS.map((s) => <option key={s} value={s}>{s}×</option>)}
          </select>
        </label>
        <span className="muted mono" data-testid="position">{has ? `${t('controls.eventOf', { i: pos + 1, n: visible.length })} · ${t('controls.time', { t: Math.round(time) })}` : ''}</span>
        <span className="spacer" />
        <span className="muted">{t('filter.title')}:</span>
        {CATEGORIES.map((c) => (
          <label key={c} className="inline"><input type="checkbox" data-testid={`filter-${c}`} checked={hidden.has(c)} onChange={() => st.toggleHidden(c)} /> {t(`filter.${c}`)}</label>
        ))}
      </div>
      <Timeline />
    </div>
  );
}

const H = 44;

function Timeline(): React.JSX.Element {
  const t = useT();
  const ref = useRef<SVGSVGElement>(null);
  const warp = useApp((s) => s.warp);
  const index = useApp((s) => s.index);
  const visible = useApp((s) => s.visible);
  const time = useApp((s) => s.time);
  const drag = useRef(false);
  const [width, setWidth] = useState(0);

  useEffect(() => {
    const svg = ref.current;
    if (!svg) return;
    const ro = new ResizeObserver(() => setWidth(svg.clientWidth));
    ro.observe(svg);
    return () => ro.disconnect();
  }, []);

  useEffect(() => {
    const svg = ref.current;
    if (!svg) return;
    const w = svg.clientWidth || 600;
    const root = select(svg);
    root.selectAll('*').remove();
    if (!warp || !index) return;
    const x = scaleLinear().domain([0, Math.max(1, warp.total)]).range([8, w - 8]);
    const marks = root.append('g').attr('class', 'marks');
    for (const i of visible) {
      const e = index.events[i];
      if (!e) continue;
      const cls = e.kind === 'end' ? (SUCCESS.includes(e.disposition) ? 'm-ok' : 'm-drop') : e.kind === 'nat' ? 'm-nat' : e.kind === 'link' ? 'm-link' : e.kind === 'app' ? 'm-app' : '';
      if (!cls) continue;
      const xx = x(warp.toDisplay(e.t));
      marks.append('line').attr('class', cls).attr('x1', xx).attr('x2', xx).attr('y1', 4).attr('y2', 22);
    }
    const ticks = x.ticks(Math.max(2, Math.floor(w / 110)));
    root.append('g').attr('class', 'axis').attr('transform', 'translate(0,24)').call(
      axisBottom(x).tickValues(ticks).tickFormat((d) => {
        const us = warp.toTime(Number(d));
        return us >= 1000 ? `${(us / 1000).toFixed(us >= 100_000 ? 0 : 1)} ms` : `${Math.round(us)} µs`;
      }),
    );
    root.append('line').attr('class', 'playhead').attr('y1', 0).attr('y2', 24);
  }, [warp, index, visible, width]);

  useEffect(() => {
    const svg = ref.current;
    if (!svg || !warp) return;
    const w = svg.clientWidth || 600;
    const x = scaleLinear().domain([0, Math.max(1, warp.total)]).range([8, w - 8]);
    const xx = x(warp.toDisplay(time));
    select(svg).select('line.playhead').attr('x1', xx).attr('x2', xx);
  }, [time, warp, width]);

  const seek = (clientX: number): void => {
    const svg = ref.current;
    if (!svg || !warp) return;
    const r = svg.getBoundingClientRect();
    const x = scaleLinear().domain([0, Math.max(1, warp.total)]).range([8, r.width - 8]);
    appStore.getState().pause();
    appStore.getState().seekDisplay(x.invert(clientX - r.left));
  };
  return (
    <svg
      ref={ref}
      className="timeline"
      data-testid="timeline"
      height={H}
      role="slider"
      aria-label={t('controls.timeline')}
      aria-valuenow={Math.round(time)}
      onPointerDown={(e) => {
        drag.current = true;
        (e.target as Element).setPointerCapture?.(e.pointerId);
        seek(e.clientX);
      }}
      onPointerMove={(e) => drag.current && seek(e.clientX)}
      onPointerUp={() => {
        drag.current = false;
      }}
    />
  );
}
