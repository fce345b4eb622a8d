import type * as grpc from '@grpc/grpc-js';
import { isServiceError, serviceError, type StatusName } from '../../lib/grpc/service-error.js';
import { KeyWaitAbandonedError } from '../../lib/keyed-mutex/key-wait-abandoned-error.js';
import { BranchAlreadyCommittedError } from '../blob/branch-already-committed-error.js';
import { MetadataUnavailableError } from '../metadata/metadata-unavailable-error.js';
import {
  BranchNotCommittedError,
  ChecksumMismatchError,
  CoordinatorUnavailableError,
  InvalidInputError,
  LimitExceededError,
  NotFoundError,
  PreconditionFailedError,
  TxNotActiveError,
  WriteConflictError,
} from '../participant-errors.js';

const codes: readonly [new (...args: never[]) => Error, StatusName][] = [
  [InvalidInputError, 'INVALID_ARGUMENT'],
  [TxNotActiveError, 'FAILED_PRECONDITION'],
  [PreconditionFailedError, 'FAILED_PRECONDITION'],
  [BranchNotCommittedError, 'FAILED_PRECONDITION'],
  [BranchAlreadyCommittedError, 'FAILED_PRECONDITION'],
  [WriteConflictError, 'ABORTED'],
  [ChecksumMismatchError, 'DATA_LOSS'],
  [NotFoundError, 'NOT_FOUND'],
  [LimitExceededError, 'RESOURCE_EXHAUSTED'],
  [CoordinatorUnavailableError, 'UNAVAILABLE'],
  [MetadataUnavailableError, 'UNAVAILABLE'],
];

/**
 * The gRPC status for a participant failure. Typed errors keep their meaning; anything
 * else is INTERNAL (and logged by the caller), never silently turned into success.
 * A PreconditionFailedError carries `current-revision` in the trailing metadata so
 * clients can show what they raced against.
 */
export function toServiceError(err: unknown): grpc.ServiceError {
  if (isServiceError(err)) return err;
  // nobody waits for this answer any more; say why, as gRPC would have
  if (err instanceof KeyWaitAbandonedError) return serviceError(err.why === 'deadline' ? 'DEADLINE_EXCEEDED' : 'CANCELLED', err.message);
  for (const [type, code] of codes) {
    if (err instanceof type) {
      const e = serviceError(code, err.message);
      if (err instanceof PreconditionFailedError) e.metadata.set('current-revision', String(err.currentRevision));
      return e;
    }
  }
  return serviceError('INTERNAL', err instanceof Error ? err.message : String(err));
}

export function isExpectedFailure(err: unknown): boolean {
  return isServiceError(err) || err instanceof KeyWaitAbandonedError || codes.some(([type]) => err instanceof type);
}
