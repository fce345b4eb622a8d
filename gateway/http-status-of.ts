import type * as grpc from '@grpc/grpc-js';
import { limitScopeOf } from '../lib/grpc/limit-scope.js';
import { isServiceError } from '../lib/grpc/service-error.js';
import {
  ChecksumMismatchError,
  ConflictError,
  DeadlineExceededError,
  InvalidArgumentError,
  NotFoundError,
  OutcomeUnknownError,
  PreconditionFailedError,
  ResourceExhaustedError,
  TransactionAbortedError,
  TwoPhaseError,
  UnavailableError,
} from '../sdk/index.js';
import { UploadTooLargeError } from './upload-too-large-error.js';

/** The HTTP status for an SDK failure, and whether the client may retry the same request. */
export function httpStatusOf(err: unknown): { status: number; retryable: boolean } {
  if (err instanceof UploadTooLargeError) return { status: 413, retryable: false };
  if (err instanceof PreconditionFailedError) return { status: 412, retryable: false };
  if (err instanceof ConflictError) return { status: 409, retryable: true };
  if (err instanceof TransactionAbortedError) {
    // most conflicts surface at the operation (ConflictError); an abort at commit is one only
    // when the coordinator says so (a participant voted no for a conflict), never by the
    // words of its reason; any other cause — a participant unreachable, a branch lost with
    // its process or its PostgreSQL session, a presumed abort, a deadline — is an outage
    return { status: err.abortCause === 'conflict' ? 409 : 503, retryable: true };
  }
  if (err instanceof InvalidArgumentError || err instanceof ChecksumMismatchError) return { status: 400, retryable: false };
  if (err instanceof NotFoundError) return { status: 404, retryable: false };
  if (err instanceof ResourceExhaustedError) {
    // the service says which kind of limit in a trailer: the request itself (never passes) or its capacity now
    return limitScopeOf(serviceErrorBehind(err)?.metadata) === 'request' ? { status: 413, retryable: false } : { status: 503, retryable: true };
  }
  if (err instanceof OutcomeUnknownError || err instanceof DeadlineExceededError) return { status: 504, retryable: true };
  if (err instanceof UnavailableError) return { status: 503, retryable: true };
  if (err instanceof TwoPhaseError && err.code === 'OUT_OF_RANGE') return { status: 416, retryable: false };
  if (err instanceof TwoPhaseError && err.code === 'FAILED_PRECONDITION') return { status: 409, retryable: true };
  return { status: 500, retryable: false };
}

/** The gRPC error an SDK error was made from (its `cause`), if any. */
function serviceErrorBehind(err: Error): grpc.ServiceError | undefined {
  return isServiceError(err.cause) ? err.cause : undefined;
}
