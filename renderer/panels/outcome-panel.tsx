// Outcomes per client (ok/timeout counts, or exact probabilities from explore), the nginx access log
// lines, and the source-IP lineage strip of the try under the playhead.

import { appStore, useApp } from '../state/store.js';
import { useT, type T } from '../i18n/index.js';
import { accessLog } from '../state/selectors.js';
import { useMemo } from 'react';
import { sourceLineage, tries, type LineageHop } from '../state/lineage.js';

function why(h: LineageHop, t: T): string {
  const who = h.kubeProxy ? t('lineage.kubeProxy') : h.why === 'replaced' || h.why === 'preserved' ? h.detail.split(':')[0] ?? '' : t('lineage.rule');
  switch (h.why) {
    case 'origin':
      return t('lineage.origin', { detail: h.detail });
    case 'seen':
      return t('lineage.seen');
    case 'masqueraded':
      return t('lineage.masqueraded', { who });
    case 'snat':
      return t('lineage.snat', { who });
    case 'replaced':
      return t('lineage.replaced', { who });
    case 'preserved':
      return t('lineage.preserved', { who: /usesrc/.test(h.detail) ? `${who} (\`usesrc clientip\`)` : who });
    case 'delivered':
      return t('lineage.delivered');
    case 'logged':
      return t('lineage.logged');
  }
}

export function OutcomePanel(): React.JSX.Element {
  const t = useT();
  const outcomes = useApp((s) => s.outcomes);
  const index = useApp((s) => s.index);
  const cursor = useApp((s) => s.cursor);
  const log = useMemo(() => (index ? accessLog(index) : []), [index]);
  // The lineage only changes when the playhead moves into another try.
  const tryStart = useMemo(() => {
    const starts = index ? tries(index)?.starts ?? [] : [];
    let k = 0;
    for (const s of starts) if (s <= cursor) k = s;
    return k;
  }, [index, cursor]);
  const lineage = useMemo(() => (index ? sourceLineage(index, tryStart) : []), [index, tryStart]);
  return (
    <section className="panel outcome" data-testid="outcome" aria-label={t('panel.outcome')}>
      <h2>{t('panel.outcome')}</h2>
      {outcomes.length === 0 ? <p className="muted">{t('outcome.empty')}</p> : (
        <table className="outcomes">
          <thead><tr><th>{t('outcome.client')}</th><th>{t('outcome.step')}</th><th>{t('outcome.ok')}</th><th>{t('outcome.timeout')}</th><th>{t('outcome.reset')}</th><th>{t('outcome.refused')}</th></tr></thead>
          <tbody>
            {outcomes.map((o, k) => (
              <tr key={k} data-testid={`outcome-${o.client}`}>
                <td>{o.client}</td>
                <td>{o.step}</td>
                <td className="ok">{o.result.summary.ok}</td>
                <td className="bad">{o.result.summary.timeout}</td>
                <td className="bad">{o.result.summary.reset}</td>
                <td className="bad">{o.result.summary.refused}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {outcomes.filter((o) => o.result.probabilities).map((o, k) => (
        <p key={k} className="mono small">{o.client}: {Object.entries(o.result.probabilities ?? {}).map(([oc, p]) => t('outcome.probability', { outcome: oc, p: Number(p.toFixed(6)) })).join(' · ')}</p>
      ))}
      <h3>{t('outcome.lineage')}</h3>
      {lineage.length === 0 ? <p className="muted">{t('outcome.noLineage')}</p> : (
        <ol className="lineage" data-testid="lineage">
          {lineage.map((h, k) => (
            <li key={k} className={`hop why-${h.why}`} title={h.detail} onClick={() => appStore.getState().setCursor(h.index)}>
              <span className="hop-host">{h.host}</span>
              <span className="hop-addr mono">{h.address}</span>
              <span className="hop-why">{why(h, t)}</span>
            </li>
          ))}
        </ol>
      )}
      <h3>{t('outcome.log')}</h3>
      {log.length === 0 ? <p className="muted">{t('outcome.noLog')}</p> : (
        <pre className="access-log" data-testid="access-log">{log.map((l) => `${l.host}: ${l.line}`).join('\n')}</pre>
      )}
    </section>
  );
}
