// The app's layout and its keyboard: toolbar; run and outcome on the left; the topology with moving
// packets, the controls and the event list in the middle; inspector and config view on the right.
// Presentation mode: fullscreen, large type, high contrast, panels hidden on demand, keys drive it.

import { useEffect, useState } from 'react';
import { appStore, PANELS, useApp, type Panel } from './state/store.js';
import { useT } from './i18n/index.js';
import { GraphView } from './graph/graph-view.js';
import { RunPanel } from './panels/run-panel.js';
import { Controls } from './panels/controls.js';
import { EventList } from './panels/event-list.js';
import { Inspector } from './panels/inspector.js';
import { OutcomePanel } from './panels/outcome-panel.js';
import { ConfigView } from './panels/config-view.js';
import { chooseFolder, setLanguage, setPresentation, Toolbar } from './panels/toolbar.js';
import { openFolder, openTraceFile, run, selectStep } from './app-controller.js';
import { asDirectoryEntry, folderFromDirectoryEntry } from './sources/folder-sources.js';

const TOGGLES = new Set(['checkbox', 'radio', 'button', 'submit', 'reset', 'file']);

/** Keys go to the control in focus when it takes text (or a list); toggles keep Space for themselves. */
function isTyping(e: KeyboardEvent): boolean {
  const el = e.target as HTMLElement | null;
  if (!el) return false;
  if (el.tagName === 'SELECT' || el.tagName === 'TEXTAREA' || el.isContentEditable) return true;
  if (el.tagName === 'INPUT') return !TOGGLES.has((el as HTMLInputElement).type) || e.key === ' ';
  return el.tagName === 'BUTTON' && e.key === ' ';
}

let savedPanels: Readonly<Record<Panel, boolean>> | undefined;
export function togglePanelsHidden(): void {
  const s = appStore.getState();
  const anyShown = PANELS.some((p) => s.panels[p]);
  if (anyShown) {
    savedPanels = s.panels;
    appStore.setState({ panels: { run: false, events: false, inspector: false, outcome: false, config: false } });
  } else appStore.setState({ panels: savedPanels ?? { run: true, events: true, inspector: true, outcome: true, config: true } });
}

export function onKey(e: KeyboardEvent): void {
  if (isTyping(e) || e.ctrlKey || e.metaKey || e.altKey) return;
  const s = appStore.getState();
  if (e.key === ' ') {
    e.preventDefault();
    s.togglePlay();
  } else if (e.key === 'ArrowRight') {
    e.preventDefault();
    s.stepForward();
  } else if (e.key === 'ArrowLeft') {
    e.preventDefault();
    s.stepBack();
  } else if (e.key === 'Home') s.rewind();
  else if (e.key === 'End') {
    const last = s.visible[s.visible.length - 1];
    if (last !== undefined) s.setCursor(last);
  }
  else if (/^[0-9]$/.test(e.key)) {
    const n = Number(e.key);
    if (s.model && n < s.model.steps.length) {
      void selectStep(n).then(() => (appStore.getState().capabilities?.traceRequest ? run() : undefined));
    }
  } else if (e.key === 'p' || e.key === 'P') togglePanelsHidden();
  else if (e.key === 'Escape' && s.presentation) setPresentation(false);
}

export function App(): React.JSX.Element {
  const t = useT();
  const status = useApp((s) => s.status);
  const message = useApp((s) => s.message);
  const presentation = useApp((s) => s.presentation);
  const panels = useApp((s) => s.panels);
  const model = useApp((s) => s.model);
  const [help, setHelp] = useState(false);
  const [dragging, setDragging] = useState(false);

  useEffect(() => {
    window.addEventListener('keydown', onKey);
    const bridge = window.hoplab;
    const off = bridge?.onMenuCommand((c) => {
      if (c.command === 'open-folder') void chooseFolder(null);
      else if (c.command === 'toggle-presentation') appStore.getState().setPresentation(!appStore.getState().presentation);
      else if (c.command === 'set-language') setLanguage(c.language);
      else setHelp(true);
    });
    const onFs = (): void => {
      if (!document.fullscreenElement && appStore.getState().presentation && !window.hoplab) appStore.getState().setPresentation(false);
    };
    document.addEventListener('fullscreenchange', onFs);
    return () => {
      window.removeEventListener('keydown', onKey);
      document.removeEventListener('fullscreenchange', onFs);
      off?.();
    };
  }, []);

  const onDrop = async (e: React.DragEvent): Promise<void> => {
    e.preventDefault();
    setDragging(false);
    const items = Array.from(e.dataTransfer.items);
    for (const it of items) {
      const dir = asDirectoryEntry(it);
      if (dir) {
        await openFolder(await folderFromDirectoryEntry(dir));
        return;
      }
    }
    const f = Array.from(e.dataTransfer.files).find((x) => x.name.endsWith('.json'));
    if (f) await openTraceFile(f);
  };

  const left = panels.run || panels.outcome;
  const right = panels.inspector || panels.config;
  return (
    <div
      className={`app${presentation ? ' presentation' : ''}${left ? '' : ' no-left'}${right ? '' : ' no-right'}`}
      data-testid="app"
      data-status={status}
      onDragOver={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(e) => void onDrop(e)}
    >
      <Toolbar onHelp={() => setHelp(true)} />
      {status === 'error' && message && <div className="error-bar" role="alert" data-testid="error">{t('app.error', { message })}</div>}
      {status === 'opening' && !model && <div className="info-bar">{t('app.loading')}</div>}
      {left && (
        <aside className="left">
          {panels.run && <RunPanel />}
          {panels.outcome && <OutcomePanel />}
        </aside>
      )}
      <main className="center">
        <GraphView />
        <Controls />
        {panels.events && <EventList />}
      </main>
      {right && (
        <aside className="right">
          {panels.inspector && <Inspector />}
          {panels.config && <ConfigView />}
        </aside>
      )}
      {presentation && <div className="keys-hint">{t('presentation.keys')}</div>}
      {dragging && <div className="drop-hint">{t('app.dropHint')}</div>}
      {help && (
        <div className="dialog" role="dialog" aria-modal="true" aria-label={t('help.title')}>
          <h2>{t('help.title')}</h2>
          <p>{t('help.body')}</p>
          <p className="mono small">{t('presentation.keys')}</p>
          <button type="button" onClick={() => setHelp(false)}>{t('help.close')}</button>
        </div>
      )}
    </div>
  );
}
