import { limitScopeKey, type LimitScope } from '../lib/grpc/limit-scope.js';
import type { StatusName } from '../lib/grpc/service-error.js';

/**
 * A failure a participant expects and reports to its caller, as opposed to a bug. Each
 * carries its gRPC status and any structured details (trailing metadata), so the one
 * mapper every participant service shares (`toServiceError`) needs to know no resource
 * manager's classes: the blob store's and the metadata store's errors extend this too.
 */
export abstract class ParticipantError extends Error {
  /** The gRPC status a client is answered with. */
  abstract readonly status: StatusName;

  /** Trailing metadata for clients to act on, by key; none unless a subclass says so. */
  trailers(): Readonly<Record<string, string>> {
    return {};
  }
}

/** The tx is not active (refused by the coordinator, or this branch is preparing or ended). → FAILED_PRECONDITION */
export class TxNotActiveError extends ParticipantError {
  override readonly name = 'TxNotActiveError';
  override readonly status = 'FAILED_PRECONDITION';
  constructor(
    readonly txId: string,
    reason: string,
  ) {
    super(`transaction ${txId} is not active: ${reason}`);
  }
}

/** The coordinator could not be reached to enlist. → UNAVAILABLE */
export class CoordinatorUnavailableError extends ParticipantError {
  override readonly name = 'CoordinatorUnavailableError';
  override readonly status = 'UNAVAILABLE';
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
export class BranchNotCommittedError extends ParticipantError {
  override readonly name = 'BranchNotCommittedError';
  override readonly status = 'FAILED_PRECONDITION';
  constructor(
    readonly txId: string,
    readonly participantId: string,
    detail: string,
  ) {
    super(`${participantId}: cannot commit transaction ${txId}: ${detail}`);
  }
}

/**
 * A last-resource call (CommitOnePhase, ResolveOutcome) at a participant whose resource
 * manager cannot be the last resource: its storage has no one-phase commit with a
 * decision marker. Refused before anything runs, so the caller may take it as "nothing
 * committed here". → UNIMPLEMENTED, a code no failure after the resource manager was
 * called answers (a branch prepared under two-phase commit is FAILED_PRECONDITION).
 */
export class NotLastResourceError extends ParticipantError {
  override readonly name = 'NotLastResourceError';
  override readonly status = 'UNIMPLEMENTED';
  constructor(readonly participantId: string) {
    super(`participant ${participantId} is not a last resource: its storage has no one-phase commit with a decision marker; start the coordinator with --last-resource naming one that has (the metadata participant)`);
  }
}

/** Bad client input (path, namespace, checksum format, size). → INVALID_ARGUMENT */
export class InvalidInputError extends ParticipantError {
  override readonly name = 'InvalidInputError';
  override readonly status = 'INVALID_ARGUMENT';
  constructor(
    readonly field: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`invalid ${field}: ${detail}`, options);
  }
}

/** If-Match / If-None-Match does not hold. → FAILED_PRECONDITION */
export class PreconditionFailedError extends ParticipantError {
  override readonly name = 'PreconditionFailedError';
  override readonly status = 'FAILED_PRECONDITION';
  constructor(
    readonly namespace: string,
    readonly path: string,
    readonly currentRevision: number,
    detail: string,
  ) {
    super(`precondition failed for ${namespace}/${path}: ${detail} (current revision ${currentRevision})`);
  }

  /** The revision the client raced against, so it can show or retry against it. */
  override trailers(): Readonly<Record<string, string>> {
    return { 'current-revision': String(this.currentRevision) };
  }
}

/** A concurrent writer holds the file (lock wait past the limit). Retryable. → ABORTED */
export class WriteConflictError extends ParticipantError {
  override readonly name = 'WriteConflictError';
  override readonly status = 'ABORTED';
  constructor(
    readonly namespace: string,
    readonly path: string,
    lockTimeoutMs: number,
  ) {
    super(`write conflict on ${namespace}/${path}: another transaction holds it (waited ${lockTimeoutMs} ms); retry`);
  }
}

/** Received bytes do not match the expected SHA-256 or size. → DATA_LOSS */
export class ChecksumMismatchError extends ParticipantError {
  override readonly name = 'ChecksumMismatchError';
  override readonly status = 'DATA_LOSS';
  constructor(
    readonly txId: string,
    detail: string,
  ) {
    super(`transaction ${txId}: ${detail}`);
  }
}

/**
 * A resumable upload's bytes were sent for an offset other than the one it has reached
 * (or while another request is writing it). → ABORTED, with `upload-offset` in the
 * trailing metadata: the offset to resume from.
 */
export class UploadOffsetMismatchError extends ParticipantError {
  override readonly name = 'UploadOffsetMismatchError';
  override readonly status = 'ABORTED';
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }

  override trailers(): Readonly<Record<string, string>> {
    return { 'upload-offset': String(this.offset) };
  }
}

/**
 * A resumable upload is being finished by another tx, or was committed already: it can
 * be adopted by one tx at a time. → FAILED_PRECONDITION, with `upload-tx-id` in the
 * trailing metadata: the tx that holds it.
 */
export class UploadHeldError extends ParticipantError {
  override readonly name = 'UploadHeldError';
  override readonly status = 'FAILED_PRECONDITION';
  constructor(
    message: string,
    readonly txId: string,
  ) {
    super(message);
  }

  override trailers(): Readonly<Record<string, string>> {
    return { 'upload-tx-id': this.txId };
  }
}

/** Something does not exist (object, file, revision). → NOT_FOUND */
export class NotFoundError extends ParticipantError {
  override readonly name = 'NotFoundError';
  override readonly status = 'NOT_FOUND';
}

/**
 * Over a size or count limit. → RESOURCE_EXHAUSTED, with `limit-scope` in the trailing
 * metadata: `request` when the request itself can never pass (an object over the size
 * limit), `capacity` (the default) when the participant is at a limit now and a retry
 * may pass.
 */
export class LimitExceededError extends ParticipantError {
  override readonly name = 'LimitExceededError';
  override readonly status = 'RESOURCE_EXHAUSTED';
  readonly scope: LimitScope;
  constructor(message: string, options?: { cause?: unknown; scope?: LimitScope }) {
    super(message, options);
    this.scope = options?.scope ?? 'capacity';
  }

  override trailers(): Readonly<Record<string, string>> {
    return { [limitScopeKey]: this.scope };
  }
}
