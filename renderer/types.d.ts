// Declarations for packages that ship no types, and Vite's client types.
/// <reference types="vite/client" />

declare module 'cytoscape-fcose' {
  import type { Ext } from 'cytoscape';
  const fcose: Ext;
  export default fcose;
}

interface Window {
  /** Present only inside the Electron shell (electron/preload). */
  readonly hoplab?: import('../electron/shared/ipc-contract.js').HoplabBridge;
}
