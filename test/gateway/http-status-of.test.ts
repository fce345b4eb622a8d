import { describe, expect, it } from 'vitest';
import { httpStatusOf } from '../../gateway/http-status-of.js';
import { serviceError } from '../../lib/grpc/service-error.js';
import { LimitExceededError } from '../../participant/participant-errors.js';
import { toServiceError } from '../../participant/to-service-error.js';
import { ConflictError, PreconditionFailedError, TransactionAbortedError, UnavailableError, type AbortCause } from '../../sdk/index.js';
import { fromGrpcError } from '../../sdk/sdk-errors.js';

/** What an HTTP client is told, by cause: conflicts are 409, outages 503, both retryable. */
describe('HTTP status of an SDK failure', () => {
  const aborted = (reason: string, cause: AbortCause = 'outage') => httpStatusOf(new TransactionAbortedError('tx1', reason, cause));

  it('a write that waited past the lock timeout is a conflict', () => {
    expect(httpStatusOf(new ConflictError('write conflict on a/b'))).toEqual({ status: 409, retryable: true });
  });

  it('an abort is 409 only when its cause is a conflict, whatever its reason says', () => {
    // the words of a reason are for humans: an outage that mentions a conflict stays an outage
    expect(aborted('participant metadata voted no: prepare failed: could not serialize access due to concurrent update', 'outage')).toEqual({ status: 503, retryable: true });
    expect(aborted('participant blob voted no: deadlock in the conflict resolver of its disk', 'outage')).toEqual({ status: 503, retryable: true });
    // and a conflict is one however it is worded
    expect(aborted('participant metadata voted no: Connection terminated unexpectedly', 'conflict')).toEqual({ status: 409, retryable: true });
    expect(aborted('', 'conflict')).toEqual({ status: 409, retryable: true });
  });

  it('aborts caused by an outage, a deadline or a client are 503, whatever their wording', () => {
    for (const reason of [
      // the reasons participants and the coordinator give, as they appear on the wire
      'participant metadata voted no: the branch lost its work: its PostgreSQL session failed: terminating connection due to unexpected postmaster exit',
      'participant blob voted no: no branch here: never worked on, or aborted (idle limit or restart)',
      'participant metadata voted no: prepare failed: Connection terminated unexpectedly',
      'participant blob unavailable: 14 UNAVAILABLE: No connection established',
      'unknown to the coordinator (presumed abort)',
    ]) {
      expect(aborted(reason), reason).toEqual({ status: 503, retryable: true });
    }
    expect(aborted('transaction deadline exceeded', 'deadline')).toEqual({ status: 503, retryable: true });
    expect(aborted('aborted by the client', 'client')).toEqual({ status: 503, retryable: true });
  });

  it('a failed condition is 412 and not retried; an unreachable service is 503', () => {
    expect(httpStatusOf(new PreconditionFailedError('revision 3 is current', 3)).status).toBe(412);
    expect(httpStatusOf(new UnavailableError('coordinator down'))).toEqual({ status: 503, retryable: true });
  });

  it('RESOURCE_EXHAUSTED is 413 only when its limit-scope trailer says the request itself is over a limit, whatever its words', () => {
    const exhausted = (message: string, scope?: string) => {
      const wire = serviceError('RESOURCE_EXHAUSTED', message);
      if (scope !== undefined) wire.metadata.set('limit-scope', scope);
      return httpStatusOf(fromGrpcError(wire, 'put'));
    };
    for (const message of ['an object of 6 bytes is over the limit of 5', 'over the limit']) {
      expect(exhausted(message, 'request'), message).toEqual({ status: 413, retryable: false });
      expect(exhausted(message, 'capacity'), message).toEqual({ status: 503, retryable: true });
      expect(exhausted(message), message).toEqual({ status: 503, retryable: true });
    }
  });

  it("a participant's limit reaches the HTTP client by its scope, through the wire", () => {
    const http = (err: LimitExceededError) => httpStatusOf(fromGrpcError(toServiceError(err), 'put'));
    expect(http(new LimitExceededError('an object of 6 bytes is over the limit of 5', { scope: 'request' }))).toEqual({ status: 413, retryable: false });
    expect(http(new LimitExceededError('32 large objects (bytes) are open; the limit'))).toEqual({ status: 503, retryable: true });
  });
});
