import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { httpStatusOf } from '../../gateway/http-status-of.js';
import { loadProto } from '../../proto/load-proto.js';
import type { AbortCause__Output } from '../../proto/gen/twophase/v1/AbortCause.js';
import type { CoordinatorHandlers } from '../../proto/gen/twophase/v1/Coordinator.js';
import { TransactionAbortedError, TwoPhaseClient } from '../../sdk/index.js';

/**
 * A coordinator that aborts every Commit with a scripted reason and cause: the HTTP status
 * follows the cause field of CommitResponse through the SDK, never the reason's words.
 */
const TX = 'tx_abortcauseabortcauseab';
let server: grpc.Server | undefined;
let client: TwoPhaseClient | undefined;

afterEach(async () => {
  client?.close();
  await new Promise<void>((resolve) => (server ? server.tryShutdown(() => resolve()) : resolve()));
  server = undefined;
});

/** A client of a coordinator whose Commit and GetOutcome answer aborted with `reason` and `cause` (omitted: an older coordinator). */
async function abortingCoordinator(reason: string, cause?: AbortCause__Output): Promise<TwoPhaseClient> {
  const aborted = { outcome: 'OUTCOME_ABORTED' as const, reason, ...(cause === undefined ? {} : { cause }) };
  const handlers: CoordinatorHandlers = {
    Begin: (_call, cb) => cb(null, { txId: TX, deadlineUnixMs: String(Date.now() + 60_000) }),
    Enlist: (_call, cb) => cb(null, {}),
    Commit: (_call, cb) => cb(null, { ...aborted, pendingParticipants: [] }),
    Abort: (_call, cb) => cb(null, aborted),
    GetOutcome: (_call, cb) => cb(null, { ...aborted, presumed: false }),
    ListParticipants: (_call, cb) => cb(null, { participants: [] }),
    // no stream: the SDK falls back to the unary calls answered here
    Link: (call) => call.emit('error', { code: grpc.status.UNIMPLEMENTED, details: 'the scripted coordinator has no Link' }),
  };
  server = new grpc.Server();
  server.addService(loadProto().twophase.v1.Coordinator.service, handlers as unknown as grpc.UntypedServiceImplementation);
  const port = await new Promise<number>((resolve, reject) =>
    server!.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  client = new TwoPhaseClient({ coordinator: `127.0.0.1:${port}`, participants: { blob: '127.0.0.1:1', metadata: '127.0.0.1:1' } });
  return client;
}

async function commitFailure(c: TwoPhaseClient): Promise<TransactionAbortedError> {
  const tx = await c.begin();
  const err = await tx.commit().catch((e: unknown) => e);
  expect(err).toBeInstanceOf(TransactionAbortedError);
  return err as TransactionAbortedError;
}

describe('the abort cause on the wire decides the HTTP status', () => {
  it('an outage whose reason names a conflict is 503', async () => {
    const err = await commitFailure(await abortingCoordinator('participant metadata voted no: could not serialize access due to concurrent update', 'ABORT_CAUSE_OUTAGE'));
    expect(httpStatusOf(err)).toEqual({ status: 503, retryable: true });
    expect(err.abortCause).toBe('outage');
  });

  it('a conflict is 409 whatever its reason says', async () => {
    const err = await commitFailure(await abortingCoordinator('participant metadata voted no: Connection terminated unexpectedly', 'ABORT_CAUSE_CONFLICT'));
    expect(httpStatusOf(err)).toEqual({ status: 409, retryable: true });
    expect(err.abortCause).toBe('conflict');
  });

  it('a coordinator that sends no cause is read as an outage, even when its reason names a conflict', async () => {
    const err = await commitFailure(await abortingCoordinator('participant metadata voted no: write conflict'));
    expect(httpStatusOf(err)).toEqual({ status: 503, retryable: true });
    expect(err.abortCause).toBe('outage');
  });

  it('getOutcome reports the cause of an aborted tx', async () => {
    const c = await abortingCoordinator('transaction deadline exceeded', 'ABORT_CAUSE_DEADLINE');
    await expect(c.getOutcome(TX)).resolves.toEqual({ outcome: 'aborted', reason: 'transaction deadline exceeded', presumed: false, cause: 'deadline' });
  });
});
