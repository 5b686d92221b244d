// The top bar: scenario (served topologies), open a folder (native dialog in Electron, a folder picker
// in the browser), open a saved trace, language, presentation mode, panel toggles, help.

import { useRef } from 'react';
import { appStore, PANELS, useApp, type Language } from '../state/store.js';
import { useT } from '../i18n/index.js';
import { openFolder, openServed, openTraceFile, servedTopologies } from '../app-controller.js';
import { folderFromBridge, folderFromFileList } from '../sources/folder-sources.js';

export async function chooseFolder(input: HTMLInputElement | null): Promise<void> {
  const bridge = window.hoplab;
  if (bridge) {
    const g = await bridge.chooseFolder();
    if (g) await openFolder(await folderFromBridge(bridge, g));
    return;
  }
  input?.click();
}

export function setLanguage(l: Language): void {
  appStore.getState().setLanguage(l);
  document.documentElement.lang = l;
  void window.hoplab?.setLanguage(l);
}

export function setPresentation(on: boolean): void {
  appStore.getState().setPresentation(on);
  if (window.hoplab) void window.hoplab.setPresentation(on);
  else if (on && document.fullscreenElement === null) void document.documentElement.requestFullscreen?.().catch(() => undefined);
  else if (!on && document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
}

export function Toolbar({ onHelp }: { onHelp: () => void }): React.JSX.Element {
  const t = useT();
  const model = useApp((s) => s.model);
  const language = useApp((s) => s.language);
  const presentation = useApp((s) => s.presentation);
  const panels = useApp((s) => s.panels);
  const dirInput = useRef<HTMLInputElement>(null);
  const traceInput = useRef<HTMLInputElement>(null);
  const served = servedTopologies();
  return (
    <header className="toolbar">
      <span className="brand">{t('app.title')}</span>
      <span className="scenario-title" data-testid="scenario-title">{model?.title ?? ''}</span>
      <span className="spacer" />
      {served.length > 0 && (
        <label className="inline secondary">
          {t('toolbar.openScenario')}
          <select value={model?.name ?? ''} onChange={(e) => void openServed(e.target.value)}>
            {served.map((s) => <option key={s.name} value={s.name}>{s.name}</option>)}
          </select>
        </label>
      )}
      <button type="button" className="secondary" data-testid="open-folder" onClick={() => void chooseFolder(dirInput.current)}>{t('toolbar.openFolder')}</button>
      <input
        ref={dirInput}
        type="file"
        hidden
        data-testid="folder-input"
        {...({ webkitdirectory: '', directory: '' } as Record<string, string>)}
        multiple
        onChange={(e) => {
          const files = e.currentTarget.files;
          if (files && files.length > 0) void folderFromFileList(files).then(openFolder, (err: unknown) => appStore.getState().fail(String(err)));
          e.currentTarget.value = '';
        }}
      />
      <button type="button" className="secondary" data-testid="open-trace" onClick={() => traceInput.current?.click()}>{t('toolbar.openTrace')}</button>
      <input
        ref={traceInput}
        type="file"
        hidden
        accept=".json,application/json"
        data-testid="trace-input"
        onChange={(e) => {
          const f = e.currentTarget.files?.[0];
          if (f) void openTraceFile(f);
          e.currentTarget.value = '';
        }}
      />
      <label className="inline">
        {t('toolbar.language')}
        <select data-testid="language" value={language} onChange={(e) => setLanguage(e.target.value as Language)}>
          <option value="en">English</option>
          <option value="ja">日本語</option>
        </select>
      </label>
      <button type="button" data-testid="presentation" aria-pressed={presentation} onClick={() => setPresentation(!presentation)}>{presentation ? t('presentation.exit') : t('toolbar.presentation')}</button>
      <details className="panel-menu secondary">
        <summary>{t('toolbar.panels')}</summary>
        <div className="panel-menu-body">
          {PANELS.map((p) => (
            <label key={p} className="inline"><input type="checkbox" checked={panels[p]} onChange={() => appStore.getState().togglePanel(p)} /> {t(`panel.${p}`)}</label>
          ))}
        </div>
      </details>
      <button type="button" onClick={onHelp}>{t('toolbar.help')}</button>
    </header>
  );
}
