// Run: pick a scenario step or variant, the source client, destination, tries and simulate/explore;
// the trace streams in from the worker while the UI keeps drawing.

import { useApp, appStore } from '../state/store.js';
import { useT } from '../i18n/index.js';
import { cancel, run, runAll, selectStep } from '../app-controller.js';
import { MAX_TRIES, PROTOS, type Proto, type RunMode } from '../engine/protocol.js';

export function RunPanel(): React.JSX.Element {
  const t = useT();
  const model = useApp((s) => s.model);
  const form = useApp((s) => s.form);
  const status = useApp((s) => s.status);
  const caps = useApp((s) => s.capabilities);
  const count = useApp((s) => s.events.length);
  if (!model) return <section className="panel run-panel"><h2>{t('panel.run')}</h2><p className="muted">{t('app.noScenario')}</p></section>;
  const clients = model.hosts.filter((h) => h.role !== 'pod');
  const canRun = caps?.traceRequest === true && caps.loadScenario === true;
  const request = model.requests.find((r) => r.from === form.from && r.to === form.to);
  const set = appStore.getState().setForm;
  return (
    <section className="panel run-panel" aria-label={t('panel.run')}>
      <h2>{t('panel.run')}</h2>
      <label>
        {t('run.step')}
        <select data-testid="step" value={form.variant === undefined ? String(form.step) : ''} onChange={(e) => void selectStep(Number(e.target.value))}>
          {form.variant !== undefined && <option value="">—</option>}
          {model.steps.map((s, i) => <option key={i} value={i}>{t('run.stepOption', { n: i, title: s.title })}</option>)}
        </select>
      </label>
      {model.variants.length > 0 && (
        <label>
          {t('run.variant')}
          <select data-testid="variant" value={form.variant ?? ''} onChange={(e) => {
            const v = model.variants.find((x) => x.name === e.target.value);
            void (v ? selectStep(v.base, v.name) : selectStep(form.step));
          }}>
            <option value="">{t('run.noVariant')}</option>
            {model.variants.map((v) => <option key={v.name} value={v.name}>{t('run.variantOption', { name: v.name, base: v.base, title: v.title })}</option>)}
          </select>
        </label>
      )}
      {model.steps[form.step]?.description && form.variant === undefined && <p className="muted small">{model.steps[form.step]?.description}</p>}
      <label>
        {t('run.from')}
        <select data-testid="from" value={form.from} onChange={(e) => set({ from: e.target.value })}>
          {clients.map((h) => <option key={h.name} value={h.name}>{h.name}</option>)}
        </select>
      </label>
      <label>
        {t('run.to')}
        <input data-testid="to" list="hoplab-destinations" value={form.to} spellCheck={false} onChange={(e) => set({ to: e.target.value.trim() })} />
        <datalist id="hoplab-destinations">{[...new Set(model.requests.map((r) => r.to))].map((d) => <option key={d} value={d} />)}</datalist>
      </label>
      <div className="row">
        <label>
          {t('run.proto')}
          <select value={form.proto} onChange={(e) => set({ proto: e.target.value as Proto })}>
            {PROTOS.map((p) => <option key={p} value={p}>{p}</option>)}
          </select>
        </label>
        <label>
          {t('run.tries')}
          <input data-testid="tries" type="number" min={1} max={MAX_TRIES} value={form.tries} onChange={(e) => set({ tries: Math.max(1, Math.min(MAX_TRIES, Math.round(Number(e.target.value) || 1))) })} />
        </label>
      </div>
      <fieldset className="row modes">
        <legend>{t('run.mode')}</legend>
        {(['simulate', 'explore'] as const satisfies readonly RunMode[]).map((m) => (
          <label key={m} className="inline"><input type="radio" name="mode" value={m} checked={form.mode === m} onChange={() => set({ mode: m })} /> {t(m === 'simulate' ? 'run.simulate' : 'run.explore')}</label>
        ))}
      </fieldset>
      {request?.command && <p className="muted small">{t('run.request', { command: request.command })}</p>}
      <div className="row buttons">
        {status === 'running'
          ? <button type="button" onClick={cancel}>{t('run.cancel')}</button>
          : <button type="button" className="primary" data-testid="run" disabled={!canRun || !form.from || !form.to} onClick={() => void run()}>{t('run.run')}</button>}
        {model.requests.length > 1 && <button type="button" disabled={!canRun || status === 'running'} onClick={() => void runAll()}>{t('run.runAll')}</button>}
      </div>
      <p className="muted small" data-testid="run-status">{status === 'running' ? t('run.running', { n: count }) : count > 0 ? t('run.ready', { n: count }) : ''}</p>
      {caps && !canRun && <p className="warn small" data-testid="engine-missing">{t('app.engineMissing')}</p>}
    </section>
  );
}
