// The wall clock the simulated programs read (nginx's log lines and Date headers, Go's Date
// headers): the simulation starts at the time of the write-up's log lines, and its microseconds
// add to that.

/** Wall-clock time the simulation starts at (ms since the epoch). */
export const SIM_EPOCH_MS = Date.UTC(2020, 9, 31, 5, 1, 20);

/** The wall clock at simulated time `nowUs` (ms since the epoch). */
export function wallClockMs(nowUs: number): number {
  return SIM_EPOCH_MS + nowUs / 1000;
}
