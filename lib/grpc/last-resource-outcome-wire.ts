import type { LastResourceOutcome, LastResourceOutcome__Output } from '../../proto/gen/twophase/v1/LastResourceOutcome.js';

/** The wire value of a last resource's answer. */
export function lastResourceOutcomeToWire(outcome: 'committed' | 'aborted'): LastResourceOutcome__Output {
  return outcome === 'committed' ? 'LAST_RESOURCE_OUTCOME_COMMITTED' : 'LAST_RESOURCE_OUTCOME_ABORTED';
}

/**
 * A last resource's answer as a peer sent it; `undefined` for anything but COMMITTED or
 * ABORTED (nothing said, a broken or newer peer), which the caller must take as a failed
 * call, the outcome unknown, never as either answer.
 */
export function lastResourceOutcomeFromWire(wire: LastResourceOutcome | undefined): 'committed' | 'aborted' | undefined {
  switch (wire) {
    case 'LAST_RESOURCE_OUTCOME_COMMITTED':
      return 'committed';
    case 'LAST_RESOURCE_OUTCOME_ABORTED':
      return 'aborted';
    default:
      return undefined;
  }
}
