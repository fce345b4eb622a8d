/** Typed failures of participants; the gRPC layer maps each to a status code. */

/** The tx is not active (refused by the coordinator, or this branch is preparing or ended). → FAILED_PRECONDITION */
export class TxNotActiveError extends Error {
  override readonly name = 'TxNotActiveError';
  constructor(
    readonly txId: string,
    reason: string,
  ) {
    super(`transaction ${txId} is not active: ${reason}`);
  }
}

/** The coordinator could not be reached to enlist. → UNAVAILABLE */
export class CoordinatorUnavailableError extends Error {
  override readonly name = 'CoordinatorUnavailableError';
  constructor(
    readonly txId: string,
    options?: { cause?: unknown },
  ) {
    super(`coordinator unavailable while enlisting transaction ${txId}`, options);
  }
}

/**
 * Commit was asked for a branch this participant cannot show as committed: it never
 * prepared, or its commit cannot be verified. Never reported as success. → FAILED_PRECONDITION
 */
export class BranchNotCommittedError extends Error {
  override readonly name = 'BranchNotCommittedError';
  constructor(
    readonly txId: string,
    readonly participantId: string,
    detail: string,
  ) {
    super(`${participantId}: cannot commit transaction ${txId}: ${detail}`);
  }
}

/** Bad client input (path, namespace, checksum format, size). → INVALID_ARGUMENT */
export class InvalidInputError extends Error {
  override readonly name = 'InvalidInputError';
  constructor(
    readonly field: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`invalid ${field}: ${detail}`, options);
  }
}

/** If-Match / If-None-Match does not hold. → FAILED_PRECONDITION */
export class PreconditionFailedError extends Error {
  override readonly name = 'PreconditionFailedError';
  constructor(
    readonly namespace: string,
    readonly path: string,
    readonly currentRevision: number,
    detail: string,
  ) {
    super(`precondition failed for ${namespace}/${path}: ${detail} (current revision ${currentRevision})`);
  }
}

/** A concurrent writer holds the file (lock wait past the limit). Retryable. → ABORTED */
export class WriteConflictError extends Error {
  override readonly name = 'WriteConflictError';
  constructor(
    readonly namespace: string,
    readonly path: string,
    lockTimeoutMs: number,
  ) {
    super(`write conflict on ${namespace}/${path}: another transaction holds it (waited ${lockTimeoutMs} ms); retry`);
  }
}

/** Received bytes do not match the expected SHA-256 or size. → DATA_LOSS */
export class ChecksumMismatchError extends Error {
  override readonly name = 'ChecksumMismatchError';
  constructor(
    readonly txId: string,
    detail: string,
  ) {
    super(`transaction ${txId}: ${detail}`);
  }
}

/** Something does not exist (object, file, revision). → NOT_FOUND */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
}

/** Over a size or count limit. → RESOURCE_EXHAUSTED */
export class LimitExceededError extends Error {
  override readonly name = 'LimitExceededError';
}
