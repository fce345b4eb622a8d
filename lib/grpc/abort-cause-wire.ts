import type { AbortCause as WireAbortCause, AbortCause__Output } from '../../proto/gen/twophase/v1/AbortCause.js';
import type { AbortCause, NoVoteCause } from '../abort-cause/abort-cause.js';

const toWire: Readonly<Record<AbortCause, AbortCause__Output>> = {
  conflict: 'ABORT_CAUSE_CONFLICT',
  outage: 'ABORT_CAUSE_OUTAGE',
  deadline: 'ABORT_CAUSE_DEADLINE',
  client: 'ABORT_CAUSE_CLIENT',
};

const fromWire: Readonly<Record<AbortCause__Output, AbortCause>> = {
  ABORT_CAUSE_CONFLICT: 'conflict',
  ABORT_CAUSE_OUTAGE: 'outage',
  ABORT_CAUSE_DEADLINE: 'deadline',
  ABORT_CAUSE_CLIENT: 'client',
  // a peer older than the field says nothing: the proto reads that as an outage
  ABORT_CAUSE_UNSPECIFIED: 'outage',
};

/** The wire value of an abort cause. */
export function abortCauseToWire(cause: AbortCause): AbortCause__Output {
  return toWire[cause];
}

/** The abort cause a peer sent; nothing, or a value this build does not know (a newer peer), reads as `outage`. */
export function abortCauseFromWire(wire: WireAbortCause | undefined): AbortCause {
  return (typeof wire === 'string' ? fromWire[wire] : undefined) ?? 'outage';
}

/** The cause of a peer's no vote: `conflict` only when it says so, else `outage`. */
export function noVoteCauseFromWire(wire: WireAbortCause | undefined): NoVoteCause {
  return abortCauseFromWire(wire) === 'conflict' ? 'conflict' : 'outage';
}
