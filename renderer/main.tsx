// The composition root: mount the app, start the engine worker and open the first scenario; or,
// with ?bench=frames, run the frame-time benchmark scene instead (bench/frame.bench.ts drives it).

import { createRoot } from 'react-dom/client';
import { App } from './app.js';
import { init } from './app-controller.js';
import { appStore } from './state/store.js';
import './styles.css';

const params = new URLSearchParams(location.search);
const rootEl = document.getElementById('root');
if (!rootEl) throw new Error('index.html has no #root');
if (params.get('lang') === 'ja') appStore.getState().setLanguage('ja');
createRoot(rootEl).render(<App />);

if (params.get('bench') === 'frames') {
  void import('./bench/bench-mode.js').then((m) => m.runFrameBench(params));
} else {
  void init().then(() => {
    (window as Window & { __hoplabReady?: number }).__hoplabReady = performance.now();
    document.documentElement.dataset['ready'] = 'true';
  });
}
