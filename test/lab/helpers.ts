// Shared fixtures for the lab's pure tests: the ICTSC scenario folder, loaded as the lab loads it.
import { loadScenario, applyChange, type ScenarioState } from '../../lab/scenario.js';

export const ICTSC_DIR = new URL('../../topologies/ictsc2020-nodeport-source-ip', import.meta.url).pathname;

export function ictsc() {
  return loadScenario(ICTSC_DIR);
}

/** The scenario state after the changes of steps 1..n. */
export function ictscStateAt(n: number): ScenarioState {
  const sc = ictsc();
  let st = sc.initial;
  for (let s = 1; s <= n; s++) for (const c of sc.topology.steps[s]?.changes ?? []) st = applyChange(sc, st, c).state;
  return st;
}
