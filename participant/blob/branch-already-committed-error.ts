import { ParticipantError } from '../participant-errors.js';

/**
 * Abort was asked for a branch this participant has committed. Obeying would break
 * atomicity (the bytes are published and may be read), so the call fails loudly: it can
 * only come from a coordinator bug or a reused tx id. → FAILED_PRECONDITION
 */
export class BranchAlreadyCommittedError extends ParticipantError {
  override readonly name = 'BranchAlreadyCommittedError';
  override readonly status = 'FAILED_PRECONDITION';
  constructor(
    readonly txId: string,
    readonly participantId: string,
  ) {
    super(`${participantId}: cannot abort transaction ${txId}: it is committed`);
  }
}
