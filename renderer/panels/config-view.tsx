// Config view: each host's files (haproxy.cfg, iptables-save, manifests, step scripts) read-only, with
// the lines the trace touched highlighted (the cursor's event strongest, earlier ones lighter, later
// ones outlined), and the loader's diagnostics listed with file:line.

import { useEffect, useMemo, useRef } from 'react';
import { appStore, useApp } from '../state/store.js';
import { useT } from '../i18n/index.js';
import { touchedLines } from '../state/selectors.js';
import type { ScenarioModel } from '../engine/protocol.js';

interface Group {
  readonly title: string;
  readonly files: readonly string[];
}

export function fileGroups(model: ScenarioModel, paths: readonly string[], t: (k: 'config.topology' | 'config.cluster' | 'config.steps' | 'config.variants' | 'config.host', v?: Record<string, string>) => string): Group[] {
  const used = new Set<string>();
  const groups: Group[] = [];
  const take = (title: string, files: readonly string[]): void => {
    const fs = files.filter((f) => paths.includes(f) && !used.has(f));
    fs.forEach((f) => used.add(f));
    if (fs.length > 0) groups.push({ title, files: fs });
  };
  take(t('config.topology'), ['topology.yaml']);
  for (const h of model.hosts) take(t('config.host', { host: h.name }), h.files.map((f) => f.path));
  if (model.cluster) {
    const dir = model.cluster.manifests.replace(/\/?$/, '/');
    take(t('config.cluster'), paths.filter((p) => p.startsWith(dir)));
  }
  take(t('config.steps'), model.steps.flatMap((s) => s.files));
  take(t('config.variants'), model.variants.flatMap((v) => v.files ?? []));
  take('…', paths.filter((p) => !used.has(p) && !/^readme/i.test(p.split('/').pop() ?? '')));
  return groups;
}

/** A trace location's file as a folder path: exact, or the folder path it ends with. */
export function matchFile(locFile: string, paths: readonly string[]): string | undefined {
  if (paths.includes(locFile)) return locFile;
  return paths.find((p) => locFile.endsWith(`/${p}`) || p.endsWith(`/${locFile}`));
}

export function ConfigView(): React.JSX.Element {
  const t = useT();
  const model = useApp((s) => s.model);
  const folder = useApp((s) => s.folder);
  const config = useApp((s) => s.config);
  const index = useApp((s) => s.index);
  const cursor = useApp((s) => s.cursor);
  const diagnostics = useApp((s) => s.diagnostics);
  const code = useRef<HTMLDivElement>(null);
  const paths = useMemo(() => Object.keys(folder?.files ?? {}).sort(), [folder]);
  const groups = useMemo(() => (model ? fileGroups(model, paths, t) : []), [model, paths, t]);
  const file = config ? matchFile(config.file, paths) : undefined;
  const now = useMemo(() => (index ? touchedLines(index, cursor) : new Map<string, Map<number, 'past' | 'current'>>()), [index, cursor]);
  const all = useMemo(() => (index ? touchedLines(index, index.events.length - 1) : new Map<string, Map<number, 'past' | 'current'>>()), [index]);
  const touchedIn = (f: string, m: Map<string, Map<number, 'past' | 'current'>>): Map<number, 'past' | 'current'> => {
    const out = new Map<number, 'past' | 'current'>();
    for (const [lf, lines] of m) if (matchFile(lf, paths) === f) for (const [l, v] of lines) out.set(l, v);
    return out;
  };
  const hereNow = file ? touchedIn(file, now) : new Map<number, 'past' | 'current'>();
  const hereAll = file ? touchedIn(file, all) : new Map<number, 'past' | 'current'>();
  const text = file ? folder?.files[file] ?? '' : '';
  const fileDiags = diagnostics.filter((d) => file !== undefined && matchFile(d.file, paths) === file);

  useEffect(() => {
    const line = config?.line ?? [...hereNow.entries()].find(([, v]) => v === 'current')?.[0];
    if (line === undefined || !code.current) return;
    const el = code.current.querySelector<HTMLElement>(`[data-line="${line}"]`);
    el?.scrollIntoView({ block: 'center' });
  }, [config, file, cursor, hereNow]);

  if (!model || !folder) return <section className="panel config"><h2>{t('panel.config')}</h2></section>;
  return (
    <section className="panel config" data-testid="config" aria-label={t('panel.config')}>
      <h2>{t('panel.config')} <span className="muted small">({t('config.readOnly')})</span></h2>
      <div className="config-body">
        <nav className="file-list" aria-label={t('config.files')}>
          {groups.map((g) => (
            <div key={g.title}>
              <div className="group-title">{g.title}</div>
              {g.files.map((f) => {
                const n = touchedIn(f, all).size;
                return <button key={f} type="button" className={`file${f === file ? ' current' : ''}`} data-file={f} onClick={() => appStore.getState().openConfig(f)}>{f}{n > 0 && <span className="badge">{n}</span>}</button>;
              })}
            </div>
          ))}
          <div className="group-title">{t('panel.diagnostics')} ({diagnostics.length})</div>
          <ul className="diagnostics" data-testid="diagnostics">
            {diagnostics.length === 0 && <li className="muted">{t('diag.none')}</li>}
            {diagnostics.map((d, k) => (
              <li key={k} className={`diag sev-${d.severity}`} onClick={() => appStore.getState().openConfig(d.file, d.line)}>
                <span className="mono">{d.file}:{d.line}:{d.column}</span> <b>{d.severity}</b> {d.message}{d.expected ? ` (${d.expected})` : ''}
              </li>
            ))}
          </ul>
        </nav>
        <div className="code" ref={code} data-testid="code">
          {!file ? <p className="muted">{t('config.empty')}</p> : (
            <>
              <div className="code-title mono">{file} · {t('config.touched', { n: hereAll.size })}</div>
              <pre>
                {text.split('\n').map((l, i) => {
                  const n = i + 1;
                  const st = hereNow.get(n);
                  const cls = st === 'current' ? 'hl-current' : st === 'past' ? 'hl-past' : hereAll.has(n) ? 'hl-later' : '';
                  const diag = fileDiags.find((d) => d.line === n);
                  return (
                    <div key={n} data-line={n} className={`line ${cls}${config?.line === n ? ' focus' : ''}${diag ? ` diag sev-${diag.severity}` : ''}`} title={diag?.message}>
                      <span className="ln">{n}</span>
                      <span className="lt">{l || ' '}</span>
                    </div>
                  );
                })}
              </pre>
            </>
          )}
        </div>
      </div>
    </section>
  );
}
