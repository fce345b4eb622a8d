/**
 * What an armed failpoint does, and on which hits. The textual form is parsed by
 * `parseFailpointSpec` (grammar in failpoints.ts); this is the typed form code
 * passes to `arm`.
 */

/** Which hits of an armed failpoint fire its fault. Absent means every hit. */
export type FailpointTrigger =
  /** Fire on every hit. */
  | { readonly kind: 'always' }
  /** Fire on the nth hit after arming (1-based) only; every other hit is inert. */
  | { readonly kind: 'nth'; readonly n: number }
  /** Fire on each hit independently with this probability, in percent (0, 100]. */
  | { readonly kind: 'probability'; readonly percent: number };

/** The fault a failpoint injects when it fires. */
export type FailpointFault =
  /** SIGKILL this process: nothing is flushed, exactly like `kill -9`. */
  | { readonly kind: 'crash' }
  /** Throw `FailpointError` at the hit. */
  | { readonly kind: 'error' }
  /** Wait `ms` milliseconds, then carry on. */
  | { readonly kind: 'delay'; readonly ms: number }
  /** Never return: the awaiting code is stuck for the rest of the process's life. */
  | { readonly kind: 'hang' };

export type FailpointAction =
  /** Disarmed: a failpoint that is `off` costs nothing, like one never armed. */
  | { readonly kind: 'off' }
  | (FailpointFault & { readonly trigger?: FailpointTrigger });
