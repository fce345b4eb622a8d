/**
 * Why a tx aborted, for a program to act on; the reason text beside it is for humans,
 * and its words are no contract (STYLE.md rule 14). On the wire: `twophase.v1.AbortCause`.
 *
 * - `conflict`: a participant voted no because the tx's work conflicts with another tx's
 *   (a lock it could not get, a serialization failure); the same tx may pass once the
 *   other one ends (HTTP 409).
 * - `outage`: no fault of the tx's own work: a participant lost its branch, could not be
 *   asked or did not vote in time, or voted no for any reason but a conflict; the decision
 *   log refused the commit record; the coordinator does not know the tx (HTTP 503).
 * - `deadline`: the tx passed its deadline before it was asked to commit.
 * - `client`: a client aborted it.
 */
/** Every AbortCause, in a fixed order (metrics list each, zero or not). */
export const abortCauses = ['conflict', 'outage', 'deadline', 'client'] as const;
export type AbortCause = (typeof abortCauses)[number];

/** Why a participant votes no: the causes of an abort a participant can know. */
export type NoVoteCause = Extract<AbortCause, 'conflict' | 'outage'>;
