// The inspector: the selected packet at the selected event — its layers before and after, the
// hook/table/chain path at this host with each rule's raw line and file:line (a click opens the file),
// the conntrack entry and the route chosen.

import { useApp, appStore } from '../state/store.js';
import { useT, type T } from '../i18n/index.js';
import { changedFields, inspect, type PathStep } from '../state/selectors.js';
import type { PacketSummary, RuleInfo, SourceLocation } from '../engine/sim-types.js';

function Loc({ loc }: { loc: SourceLocation | undefined }): React.JSX.Element | null {
  const t = useT();
  if (!loc) return null;
  return (
    <button type="button" className="loc mono" title={t('inspector.openFile')} onClick={() => appStore.getState().openConfig(loc.file, loc.line)}>
      {loc.file}:{loc.line}
    </button>
  );
}

function Layers({ p, t, changed }: { p: PacketSummary | undefined; t: T; changed: ReadonlySet<string> }): React.JSX.Element {
  if (!p) return <div className="muted">—</div>;
  const f = (k: string, v: string | number | undefined): React.JSX.Element | null =>
    v === undefined ? null : <div className={`kv${changed.has(k) ? ' changed' : ''}`}><span className="k">{k}</span><span className="v mono">{String(v)}</span></div>;
  return (
    <div className="layers">
      <div className="layer-title">IPv4</div>
      {f('src', p.src)}
      {f('dst', p.dst)}
      {f('length', p.length)}
      {p.mark !== undefined && f('mark', `0x${p.mark.toString(16)}`)}
      <div className="layer-title">{p.proto.toUpperCase()}</div>
      {f('sport', p.sport)}
      {f('dport', p.dport)}
      {f('flags', p.flags)}
      {f('seq', p.seq)}
      {f('ack', p.ack)}
      {p.icmp && f('icmp', `${p.icmp.type}/${p.icmp.code} ${p.icmp.text}`)}
      {p.arp && f('arp', `${p.arp.op} ${p.arp.senderIp} → ${p.arp.targetIp}`)}
      {p.payload !== undefined && f(t('inspector.payload'), p.payload)}
      {p.inner && (
        <div className="inner">
          <div className="layer-title">{t('inspector.inner')}</div>
          <Layers p={p.inner} t={t} changed={new Set()} />
        </div>
      )}
    </div>
  );
}

function RuleLine({ rule }: { rule: RuleInfo }): React.JSX.Element {
  return (
    <div className="rule-line">
      <code className="raw">{rule.raw}</code>
      <Loc loc={rule.loc} />
    </div>
  );
}

function Step({ s, current, future, t }: { s: PathStep; current: boolean; future: boolean; t: T }): React.JSX.Element {
  const cls = `path-step k-${s.kind}${current ? ' current' : ''}${future ? ' future' : ''}`;
  const go = (): void => appStore.getState().setCursor(s.index);
  switch (s.kind) {
    case 'hook':
      return <li className={cls} onClick={go}><span className="tag">{s.hook}</span> <b>{s.table}</b></li>;
    case 'rule':
      return <li className={cls} onClick={go}><span className="tag">{s.rule.table}/{s.rule.chain}#{s.rule.index}</span> → <b>{s.target}</b>{s.effect && <span className="muted"> {s.effect}</span>}<RuleLine rule={s.rule} /></li>;
    case 'verdict':
      return <li className={cls} onClick={go}><span className="tag">{s.table}/{s.chain}</span> <b>{s.verdict}</b>{s.policy && <span className="muted"> ({t('inspector.policy')})</span>}{s.rule && <RuleLine rule={s.rule} />}</li>;
    case 'nat':
      return <li className={cls} onClick={go}><span className="tag">{s.nat}</span> {s.changes.map((c) => `${c.field} ${c.from} → ${c.to}`).join(', ')} <span className="muted">{s.why}</span>{s.rule && <RuleLine rule={s.rule} />}</li>;
    case 'route':
      return <li className={cls} onClick={go}><span className="tag">route</span> <b>{s.route.result}</b> <span className="mono">{s.route.rule}</span></li>;
    case 'conntrack':
      return <li className={cls} onClick={go}><span className="tag">conntrack</span> {s.action} {s.entry.state}</li>;
    default:
      return <li className={cls} onClick={go}><span className="tag">{s.event.kind}</span></li>;
  }
}

export function Inspector(): React.JSX.Element {
  const t = useT();
  const index = useApp((s) => s.index);
  const cursor = useApp((s) => s.cursor);
  const ins = index && cursor >= 0 ? inspect(index, cursor) : undefined;
  if (!ins) return <section className="panel inspector" data-testid="inspector"><h2>{t('panel.inspector')}</h2><p className="muted">{t('inspector.empty')}</p></section>;
  const changed = new Set(ins.before && ins.after ? changedFields(ins.before, ins.after).map((c) => c.field as string) : []);
  const r = ins.route;
  const c = ins.conntrack;
  return (
    <section className="panel inspector" data-testid="inspector" aria-label={t('panel.inspector')}>
      <h2>{t('panel.inspector')}</h2>
      <div className="ins-title">{ins.packetId >= 0 ? t('inspector.packet', { id: ins.packetId, host: ins.host ?? '—' }) : ins.event.kind}</div>
      <div className="before-after">
        <div><h3>{t('inspector.before')}</h3><Layers p={ins.before} t={t} changed={new Set()} /></div>
        <div><h3>{t('inspector.after')}</h3><Layers p={ins.after} t={t} changed={changed} /></div>
      </div>
      <h3>{t('inspector.path')}</h3>
      <ol className="path" data-testid="inspector-path">
        {ins.path.map((s) => <Step key={s.index} s={s} current={s.index === ins.index} future={s.index > ins.index} t={t} />)}
      </ol>
      <h3>{t('inspector.conntrack')}</h3>
      <div data-testid="inspector-conntrack">
        {c ? (
          <div className="kvs">
            <div className="kv"><span className="k">{t('inspector.orig')}</span><span className="v mono">{c.orig}</span></div>
            <div className="kv"><span className="k">{t('inspector.reply')}</span><span className="v mono">{c.reply}</span></div>
            <div className="kv"><span className="k">{t('inspector.state')}</span><span className="v mono">{c.state} {c.direction}{c.tcpState ? ` ${c.tcpState}` : ''}</span></div>
            <div className="kv"><span className="k">{t('inspector.status')}</span><span className="v mono">{c.status.join(' ') || '—'}</span></div>
          </div>
        ) : <p className="muted">{t('inspector.noConntrack')}</p>}
      </div>
      <h3>{t('inspector.route')}</h3>
      <div data-testid="inspector-route">
        {r ? (
          <div className="kvs">
            <div className="kv"><span className="k">{t('inspector.rule')}</span><span className="v mono">{r.rule}</span><Loc loc={r.ruleLoc} /></div>
            <div className="kv"><span className="k">{t('inspector.table')}</span><span className="v mono">{r.table}</span></div>
            {r.route && <div className="kv"><span className="k">route</span><span className="v mono">{r.route}</span><Loc loc={r.routeLoc} /></div>}
            <div className="kv"><span className="k">{t('inspector.type')}</span><span className="v mono">{r.type}</span></div>
            <div className="kv"><span className="k">{t('inspector.result')}</span><span className="v mono"><b>{r.result}</b>{r.dev ? ` dev ${r.dev}` : ''}{r.gateway ? ` via ${r.gateway}` : ''}{r.src ? ` src ${r.src}` : ''}</span></div>
          </div>
        ) : <p className="muted">{t('inspector.noRoute')}</p>}
      </div>
    </section>
  );
}
