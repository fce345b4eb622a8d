/**
 * The participant named as the last resource refused a one-phase commit or a resolve
 * before doing anything (UNIMPLEMENTED): it cannot be the last resource (its storage has
 * no one-phase commit with a decision marker, or its build predates the calls). The
 * coordinator's configuration (`--last-resource`) names the wrong participant.
 */
export class NotLastResourceError extends Error {
  override readonly name = 'NotLastResourceError';
  constructor(
    readonly participantId: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`participant ${participantId} cannot be the last resource: ${detail}`, options);
  }
}
