import type * as grpc from '@grpc/grpc-js';
import { isServiceError, serviceError } from '../lib/grpc/service-error.js';
import { KeyWaitAbandonedError } from '../lib/keyed-mutex/key-wait-abandoned-error.js';
import { ParticipantError } from './participant-errors.js';

/**
 * The gRPC status for a participant failure, shared by every participant service
 * (Participant, BlobStore, Metadata). A `ParticipantError` carries its own status and
 * trailing metadata (`current-revision` of a failed If-Match, so clients can show what
 * they raced against), so this mapper knows no resource manager's classes. Anything
 * else is INTERNAL (and logged by the caller), never silently turned into success.
 */
export function toServiceError(err: unknown): grpc.ServiceError {
  if (isServiceError(err)) return err;
  // nobody waits for this answer any more; say why, as gRPC would have
  if (err instanceof KeyWaitAbandonedError) return serviceError(err.why === 'deadline' ? 'DEADLINE_EXCEEDED' : 'CANCELLED', err.message);
  if (err instanceof ParticipantError) {
    const e = serviceError(err.status, err.message);
    for (const [key, value] of Object.entries(err.trailers())) e.metadata.set(key, value);
    return e;
  }
  return serviceError('INTERNAL', err instanceof Error ? err.message : String(err));
}

/** Whether `err` is a failure the contract expects (answered, not logged as a bug). */
export function isExpectedFailure(err: unknown): boolean {
  return isServiceError(err) || err instanceof KeyWaitAbandonedError || err instanceof ParticipantError;
}
