import * as grpc from '@grpc/grpc-js';
import type { AbortCause } from '../lib/abort-cause/abort-cause.js';

/** Base of every error the SDK throws; `code` is the gRPC status name behind it, when there is one. */
export class TwoPhaseError extends Error {
  override readonly name: string = 'TwoPhaseError';
  constructor(
    message: string,
    readonly code: string = 'UNKNOWN',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** If-Match / If-None-Match did not hold. `currentRevision` is what the file is at (0: absent). */
export class PreconditionFailedError extends TwoPhaseError {
  override readonly name = 'PreconditionFailedError';
  constructor(
    message: string,
    readonly currentRevision: number,
    options?: { cause?: unknown },
  ) {
    super(message, 'FAILED_PRECONDITION', options);
  }
}

/** Another tx holds the file; retry. */
export class ConflictError extends TwoPhaseError {
  override readonly name: string = 'ConflictError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'ABORTED', options);
  }
}

/**
 * The tx aborted (a participant voted no, a deadline passed, a client aborted it). Nothing
 * was stored. `abortCause` says why for a program (a conflict or an outage...); `reason`
 * says it for humans, and its words are no contract.
 */
export class TransactionAbortedError extends TwoPhaseError {
  override readonly name = 'TransactionAbortedError';
  constructor(
    readonly txId: string,
    readonly reason: string,
    readonly abortCause: AbortCause,
    options?: { cause?: unknown },
  ) {
    super(`transaction ${txId} aborted: ${reason}`, 'ABORTED', options);
  }
}

/** A service could not be reached (or is shutting down). Nothing was stored by the failed call. */
export class UnavailableError extends TwoPhaseError {
  override readonly name = 'UnavailableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'UNAVAILABLE', options);
  }
}

/** The file, revision or object does not exist. */
export class NotFoundError extends TwoPhaseError {
  override readonly name = 'NotFoundError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'NOT_FOUND', options);
  }
}

/** The request was malformed (path, namespace, checksum format…). */
export class InvalidArgumentError extends TwoPhaseError {
  override readonly name = 'InvalidArgumentError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'INVALID_ARGUMENT', options);
  }
}

/** Over a limit (object size, concurrent transactions, branches). */
export class ResourceExhaustedError extends TwoPhaseError {
  override readonly name = 'ResourceExhaustedError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'RESOURCE_EXHAUSTED', options);
  }
}

/** The bytes received do not match the expected checksum or size. */
export class ChecksumMismatchError extends TwoPhaseError {
  override readonly name = 'ChecksumMismatchError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'DATA_LOSS', options);
  }
}

/** A call did not finish within its deadline. */
export class DeadlineExceededError extends TwoPhaseError {
  override readonly name = 'DeadlineExceededError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'DEADLINE_EXCEEDED', options);
  }
}

/**
 * The tx's outcome could not be learned in time: it may be committed or aborted. Ask
 * `getOutcome(txId)` later; the coordinator will know once it is reachable.
 */
export class OutcomeUnknownError extends TwoPhaseError {
  override readonly name = 'OutcomeUnknownError';
  constructor(
    readonly txId: string,
    options?: { cause?: unknown },
  ) {
    super(`the outcome of transaction ${txId} is not known yet; ask getOutcome later`, 'UNAVAILABLE', options);
  }
}

/** The service could not tell who this client is: no client certificate, or one its CA did not issue (mutual TLS). */
export class UnauthenticatedError extends TwoPhaseError {
  override readonly name = 'UnauthenticatedError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'UNAUTHENTICATED', options);
  }
}

/** The service knows this client's certificate, and its access policy does not let it make this call. */
export class PermissionDeniedError extends TwoPhaseError {
  override readonly name = 'PermissionDeniedError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'PERMISSION_DENIED', options);
  }
}

/** A resumable upload's bytes were sent for another offset than the one it is at (or while another append is received): resume from `offset`. */
export class UploadOffsetError extends ConflictError {
  override readonly name = 'UploadOffsetError';
  constructor(
    message: string,
    readonly offset: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A resumable upload is held by another tx finishing it (`txId`), or was committed already. */
export class UploadHeldError extends TwoPhaseError {
  override readonly name = 'UploadHeldError';
  constructor(
    message: string,
    readonly txId: string,
    options?: { cause?: unknown },
  ) {
    super(message, 'FAILED_PRECONDITION', options);
  }
}

/** Turns a gRPC failure into the SDK's typed error; anything else passes through. */
export function fromGrpcError(err: unknown, context: string): Error {
  if (!(err instanceof Error) || typeof (err as grpc.ServiceError).code !== 'number') return err instanceof Error ? err : new Error(String(err));
  const e = err as grpc.ServiceError;
  const message = `${context}: ${e.details || e.message}`;
  switch (e.code) {
    case grpc.status.FAILED_PRECONDITION: {
      const current = e.metadata?.get('current-revision')[0];
      if (current !== undefined) return new PreconditionFailedError(message, Number(current), { cause: e });
      const holder = e.metadata?.get('upload-tx-id')[0];
      if (holder !== undefined) return new UploadHeldError(message, String(holder), { cause: e });
      return new TwoPhaseError(message, 'FAILED_PRECONDITION', { cause: e });
    }
    case grpc.status.ABORTED: {
      const offset = e.metadata?.get('upload-offset')[0];
      if (offset !== undefined) return new UploadOffsetError(message, Number(offset), { cause: e });
      return new ConflictError(message, { cause: e });
    }
    case grpc.status.UNAVAILABLE:
      return new UnavailableError(message, { cause: e });
    case grpc.status.NOT_FOUND:
      return new NotFoundError(message, { cause: e });
    case grpc.status.INVALID_ARGUMENT:
      return new InvalidArgumentError(message, { cause: e });
    case grpc.status.RESOURCE_EXHAUSTED:
      return new ResourceExhaustedError(message, { cause: e });
    case grpc.status.DATA_LOSS:
      return new ChecksumMismatchError(message, { cause: e });
    case grpc.status.DEADLINE_EXCEEDED:
      return new DeadlineExceededError(message, { cause: e });
    case grpc.status.OUT_OF_RANGE:
      return new TwoPhaseError(message, 'OUT_OF_RANGE', { cause: e });
    case grpc.status.UNAUTHENTICATED:
      return new UnauthenticatedError(message, { cause: e });
    case grpc.status.PERMISSION_DENIED:
      return new PermissionDeniedError(message, { cause: e });
    default:
      return new TwoPhaseError(message, grpc.status[e.code] ?? 'UNKNOWN', { cause: e });
  }
}
