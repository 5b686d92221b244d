// Import boundaries between the project's folders (DESIGN.md "Layout"):
// sim/ imports only sim/; everything outside sim/ reaches the engine through sim/index.ts;
// only renderer/state/ imports zustand; the preload never hands out ipcRenderer.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const outsideSimDeepImport = {
  group: ['**/sim/*/**', '!**/sim/index', '!**/sim/index.ts', '!**/sim/index.js'],
  message: 'Outside sim/, import the engine only through sim/index.ts.',
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'coverage/**', 'test-results/**', '**/*.js', '**/*.mjs', '!eslint.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['sim/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: ['fs', 'path', 'os', 'child_process', 'net', 'crypto', 'util', 'events', 'stream', 'buffer'].map((name) => ({ name, message: 'sim/ is pure TypeScript: no Node modules.' })),
        patterns: [
          { group: ['node:*'], message: 'sim/ is pure TypeScript: no Node modules.' },
          { group: ['**/cli/**', '**/lab/**', '**/renderer/**', '**/electron/**', '**/test/**'], message: 'sim/ imports only sim/.' },
          { group: ['react', 'react-dom', 'zustand', 'cytoscape', 'd3', 'electron'], message: 'sim/ has no UI or Electron dependencies.' },
        ],
      }],
    },
  },
  {
    files: ['cli/**/*.ts', 'lab/**/*.ts', 'electron/**/*.ts', 'bench/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [outsideSimDeepImport, { group: ['**/renderer/**'], message: 'Only the renderer imports the renderer.' }] }],
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    ignores: ['renderer/state/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [outsideSimDeepImport, { group: ['zustand', 'zustand/*'], message: 'Only renderer/state/ imports zustand.' }, { group: ['**/cli/**', '**/lab/**', '**/electron/main/**', 'node:*'], message: 'The renderer runs in a browser.' }] }],
    },
  },
  {
    files: ['electron/preload/**/*.ts'],
    rules: {
      'no-restricted-syntax': ['error', { selector: "Property[key.name='ipcRenderer']", message: 'Expose named verbs, never ipcRenderer itself.' }],
    },
  },
);
