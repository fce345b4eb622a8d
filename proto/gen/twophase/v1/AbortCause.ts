// Original file: proto/twophase/v1/common.proto

/**
 * Why a tx aborted, for programs to act on: `reason` beside it is for humans, and its
 * words are no contract. A client tells a conflict (retry the tx once the other one
 * ends: HTTP 409) from an outage (retry later: HTTP 503) by this alone.
 */
export const AbortCause = {
  /**
   * Not said: the tx did not abort, or a peer older than this field answered. Read as OUTAGE.
   */
  ABORT_CAUSE_UNSPECIFIED: 'ABORT_CAUSE_UNSPECIFIED',
  /**
   * A participant voted no because the tx's work conflicts with another tx's (a lock it
   * could not get, a serialization failure, a condition another tx changed first).
   */
  ABORT_CAUSE_CONFLICT: 'ABORT_CAUSE_CONFLICT',
  /**
   * No fault of the tx's own work: a participant lost its branch (its process, its
   * PostgreSQL session), could not be asked or did not vote in time, or voted no for any
   * reason but a conflict; the decision log refused the commit record; or the coordinator
   * does not know the tx (presumed abort).
   */
  ABORT_CAUSE_OUTAGE: 'ABORT_CAUSE_OUTAGE',
  /**
   * The tx passed its deadline before it was asked to commit.
   */
  ABORT_CAUSE_DEADLINE: 'ABORT_CAUSE_DEADLINE',
  /**
   * A client asked for the abort.
   */
  ABORT_CAUSE_CLIENT: 'ABORT_CAUSE_CLIENT',
} as const;

/**
 * Why a tx aborted, for programs to act on: `reason` beside it is for humans, and its
 * words are no contract. A client tells a conflict (retry the tx once the other one
 * ends: HTTP 409) from an outage (retry later: HTTP 503) by this alone.
 */
export type AbortCause =
  /**
   * Not said: the tx did not abort, or a peer older than this field answered. Read as OUTAGE.
   */
  | 'ABORT_CAUSE_UNSPECIFIED'
  | 0
  /**
   * A participant voted no because the tx's work conflicts with another tx's (a lock it
   * could not get, a serialization failure, a condition another tx changed first).
   */
  | 'ABORT_CAUSE_CONFLICT'
  | 1
  /**
   * No fault of the tx's own work: a participant lost its branch (its process, its
   * PostgreSQL session), could not be asked or did not vote in time, or voted no for any
   * reason but a conflict; the decision log refused the commit record; or the coordinator
   * does not know the tx (presumed abort).
   */
  | 'ABORT_CAUSE_OUTAGE'
  | 2
  /**
   * The tx passed its deadline before it was asked to commit.
   */
  | 'ABORT_CAUSE_DEADLINE'
  | 3
  /**
   * A client asked for the abort.
   */
  | 'ABORT_CAUSE_CLIENT'
  | 4

/**
 * Why a tx aborted, for programs to act on: `reason` beside it is for humans, and its
 * words are no contract. A client tells a conflict (retry the tx once the other one
 * ends: HTTP 409) from an outage (retry later: HTTP 503) by this alone.
 */
export type AbortCause__Output = typeof AbortCause[keyof typeof AbortCause]
