// The event list: time, host, hook/app, what happened; click a row to jump there. Rows are windowed
// (only those in view are rendered) so a trace of many thousands of events scrolls smoothly.

import { useEffect, useRef, useState } from 'react';
import { appStore, useApp } from '../state/store.js';
import { useT } from '../i18n/index.js';
import { describeEvent, eventWhere } from '../i18n/describe-event.js';
import { SUCCESS, type TraceEvent } from '../engine/sim-types.js';


function rowClass(e: TraceEvent): string {
  if (e.kind === 'end') return SUCCESS.includes(e.disposition) ? 'ev-ok' : 'ev-drop';
  if (e.kind === 'nat') return 'ev-nat';
  if (e.kind === 'unsupported') return 'ev-drop';
  if (e.kind === 'rule' || e.kind === 'verdict' || e.kind === 'hook') return 'ev-nf';
  return '';
}

export function EventList(): React.JSX.Element {
  const t = useT();
  const index = useApp((s) => s.index);
  const visible = useApp((s) => s.visible);
  const cursor = useApp((s) => s.cursor);
  const ROW = useApp((s) => (s.presentation ? 32 : 24));
  const box = useRef<HTMLDivElement>(null);
  const [scroll, setScroll] = useState(0);
  const [height, setHeight] = useState(240);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setHeight(el.clientHeight));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // Keep the cursor's row in view.
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const k = cursor < 0 ? 0 : visible.indexOf(cursor);
    if (k < 0) return;
    const top = k * ROW;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + ROW > el.scrollTop + el.clientHeight) el.scrollTop = top + ROW - el.clientHeight;
    // Render the rows now rather than when the scroll event arrives.
    setScroll(el.scrollTop);
  }, [cursor, visible, ROW]);

  if (!index || visible.length === 0) return <section className="panel events"><h2>{t('panel.events')}</h2><p className="muted">{t('events.empty')}</p></section>;
  const first = Math.max(0, Math.floor(scroll / ROW) - 5);
  const last = Math.min(visible.length, Math.ceil((scroll + height) / ROW) + 5);
  const rows: React.JSX.Element[] = [];
  for (let k = first; k < last; k++) {
    const i = visible[k] as number;
    const e = index.events[i] as TraceEvent;
    rows.push(
      <div
        key={i}
        role="row"
        aria-selected={i === cursor}
        data-index={i}
        className={`ev-row ${rowClass(e)}${i === cursor ? ' current' : ''}${i > cursor ? ' future' : ''}`}
        style={{ top: k * ROW }}
        onClick={() => appStore.getState().setCursor(i)}
      >
        <span className="c-time mono">{e.t}</span>
        <span className="c-host">{index.hostOf[i] ?? ''}</span>
        <span className="c-where mono">{eventWhere(e)}</span>
        <span className="c-what">{describeEvent(e, t)}</span>
      </div>,
    );
  }
  return (
    <section className="panel events" aria-label={t('panel.events')}>
      <div className="ev-head" role="row">
        <span className="c-time">{t('events.time')}</span>
        <span className="c-host">{t('events.host')}</span>
        <span className="c-where">{t('events.where')}</span>
        <span className="c-what">{t('events.what')}</span>
      </div>
      <div className="ev-body" ref={box} role="grid" data-testid="event-list" onScroll={(e) => setScroll(e.currentTarget.scrollTop)}>
        <div style={{ height: visible.length * ROW, position: 'relative' }}>{rows}</div>
      </div>
    </section>
  );
}
