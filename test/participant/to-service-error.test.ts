import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { KeyWaitAbandonedError } from '../../lib/keyed-mutex/key-wait-abandoned-error.js';
import { BranchAlreadyCommittedError } from '../../participant/blob/branch-already-committed-error.js';
import { ManifestCorruptError } from '../../participant/blob/local/manifest-corrupt-error.js';
import { RangeNotSatisfiableError } from '../../participant/blob/range-not-satisfiable-error.js';
import { MetadataUnavailableError } from '../../participant/metadata/metadata-unavailable-error.js';
import { InvalidInputError, LimitExceededError, NotLastResourceError, PreconditionFailedError, WriteConflictError } from '../../participant/participant-errors.js';
import { isExpectedFailure, toServiceError } from '../../participant/to-service-error.js';

const statusOf = (err: unknown): string | undefined => grpc.status[toServiceError(err).code];

/** Every participant service answers a failure with the status the error itself carries. */
describe('toServiceError', () => {
  it("answers each resource manager's typed error with the status it carries, and counts it as expected", () => {
    const cases: readonly [Error, string][] = [
      [new InvalidInputError('path', 'empty'), 'INVALID_ARGUMENT'],
      [new WriteConflictError('alice', 'a.txt', 500), 'ABORTED'],
      [new LimitExceededError('too many'), 'RESOURCE_EXHAUSTED'],
      [new BranchAlreadyCommittedError('tx1', 'blob'), 'FAILED_PRECONDITION'],
      [new RangeNotSatisfiableError('ab'.repeat(32), 10, 5, 12), 'OUT_OF_RANGE'],
      [new MetadataUnavailableError('connection refused'), 'UNAVAILABLE'],
      [new NotLastResourceError('blob'), 'UNIMPLEMENTED'],
    ];
    for (const [err, status] of cases) {
      expect(statusOf(err), err.name).toBe(status);
      expect(toServiceError(err).details).toBe(err.message);
      expect(isExpectedFailure(err), err.name).toBe(true);
    }
  });

  it('only a refusal before anything ran is UNIMPLEMENTED: the coordinator takes it as nothing committed at the last resource', () => {
    const unimplemented = [new NotLastResourceError('blob'), new MetadataUnavailableError('lost'), new Error('bug'), new BranchAlreadyCommittedError('tx1', 'blob')].filter(
      (err) => statusOf(err) === 'UNIMPLEMENTED',
    );
    expect(unimplemented.map((err) => err.name)).toEqual(['NotLastResourceError']);
  });

  it('a failed If-Match carries the current revision in the trailing metadata', () => {
    const wire = toServiceError(new PreconditionFailedError('alice', 'a.txt', 7, 'If-Match 6 does not hold'));
    expect(grpc.status[wire.code]).toBe('FAILED_PRECONDITION');
    expect(wire.metadata.get('current-revision')).toEqual(['7']);
  });

  it('a caller that stopped waiting is told DEADLINE_EXCEEDED or CANCELLED', () => {
    expect(statusOf(new KeyWaitAbandonedError('tx1', 'deadline'))).toBe('DEADLINE_EXCEEDED');
    expect(statusOf(new KeyWaitAbandonedError('tx1', 'cancelled'))).toBe('CANCELLED');
  });

  it('an error no contract names is INTERNAL and unexpected (the caller logs it)', () => {
    for (const err of [new Error('bug'), new ManifestCorruptError('x', 'y')]) {
      expect(statusOf(err)).toBe('INTERNAL');
      expect(isExpectedFailure(err)).toBe(false);
    }
  });
});
