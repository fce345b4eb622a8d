/**
 * A named place in the code where a test or an operator can inject a fault.
 * Obtained from `defineFailpoint` at module load; inert until armed.
 */
export interface Failpoint {
  /** Dotted kebab-case name, e.g. `coordinator.log.before-sync`. */
  readonly name: string;
  /** What happens at this point, for `twophase failpoints`. */
  readonly description: string;
  /**
   * Call as `await fp.hit();` at the failpoint. Returns `undefined`, synchronously,
   * whenever no fault fires on this hit (always, when unarmed: the check is one
   * field read, so failpoints may sit on hot paths). When a fault fires: `error`
   * throws `FailpointError` synchronously, `delay` returns a promise that resolves
   * after the delay, `hang` a promise that never settles, and `crash` kills the
   * process before returning.
   */
  hit(): Promise<void> | undefined;
}
