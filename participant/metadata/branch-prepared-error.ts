import { ParticipantError } from '../participant-errors.js';

/**
 * A last-resource call (resolveOutcome, commitOnePhase) for a tx whose branch here is
 * prepared under two-phase commit: its outcome is the coordinator's decision, which a
 * marker cannot take, so the branch is neither waited for nor rolled back. It means the
 * coordinator and this participant disagree on the commit mode of the tx (a mode switched
 * while txs were in doubt). → FAILED_PRECONDITION
 */
export class BranchPreparedError extends ParticipantError {
  override readonly name = 'BranchPreparedError';
  override readonly status = 'FAILED_PRECONDITION';
  constructor(
    readonly txId: string,
    readonly participantId: string,
  ) {
    super(
      `${participantId}: transaction ${txId} is prepared here under two-phase commit; its outcome is the coordinator's decision (Commit or Abort), not the last resource's marker`,
    );
  }
}
