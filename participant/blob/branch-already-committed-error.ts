/**
 * Abort was asked for a branch this participant has committed. Obeying would break
 * atomicity (the bytes are published and may be read), so the call fails loudly: it can
 * only come from a coordinator bug or a reused tx id.
 */
export class BranchAlreadyCommittedError extends Error {
  override readonly name = 'BranchAlreadyCommittedError';
  constructor(
    readonly txId: string,
    readonly participantId: string,
  ) {
    super(`${participantId}: cannot abort transaction ${txId}: it is committed`);
  }
}
