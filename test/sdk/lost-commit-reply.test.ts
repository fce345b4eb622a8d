import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { loadProto } from '../../proto/load-proto.js';
import type { CoordinatorHandlers } from '../../proto/gen/twophase/v1/Coordinator.js';
import type { Outcome__Output } from '../../proto/gen/twophase/v1/Outcome.js';
import { OutcomeUnknownError, TransactionAbortedError, TwoPhaseClient } from '../../sdk/index.js';

/**
 * A coordinator whose Commit reply is lost (the call fails UNAVAILABLE, as when the
 * process dies after deciding) and whose GetOutcome answers from a script: the SDK must
 * learn the truth, never guess.
 */
const TX = 'tx_lostreplylostreplylos';
let server: grpc.Server | undefined;
let client: TwoPhaseClient | undefined;

afterEach(async () => {
  client?.close();
  await new Promise<void>((resolve) => (server ? server.tryShutdown(() => resolve()) : resolve()));
  server = undefined;
});

type Scripted = Outcome__Output | 'unavailable';

/** `outcomes` answers GetOutcome calls in turn, `commits` Commit calls; past their end, UNAVAILABLE. */
async function coordinator(outcomes: Scripted[], commits: Scripted[] = []): Promise<{ calls: string[] }> {
  const calls: string[] = [];
  const handlers: CoordinatorHandlers = {
    Begin: (_call, cb) => cb(null, { txId: TX, deadlineUnixMs: String(Date.now() + 60_000) }),
    Enlist: (_call, cb) => cb(null, {}),
    Commit: (_call, cb) => {
      calls.push('Commit');
      const answer = commits.shift();
      if (answer === undefined || answer === 'unavailable') cb({ code: grpc.status.UNAVAILABLE, details: 'connection reset' });
      else cb(null, { outcome: answer, reason: answer === 'OUTCOME_ABORTED' ? 'presumed' : '', pendingParticipants: [] });
    },
    Abort: (_call, cb) => cb(null, { outcome: 'OUTCOME_ABORTED' }),
    GetOutcome: (_call, cb) => {
      calls.push('GetOutcome');
      const outcome = outcomes.shift();
      if (outcome === undefined || outcome === 'unavailable') cb({ code: grpc.status.UNAVAILABLE, details: 'restarting' });
      else cb(null, { outcome, reason: outcome === 'OUTCOME_ABORTED' ? 'unknown transaction: presumed aborted' : '', presumed: outcome === 'OUTCOME_ABORTED' });
    },
    ListParticipants: (_call, cb) => cb(null, { participants: [] }),
    // no stream: the SDK falls back to unary calls, which are what this script answers
    Link: (call) => call.emit('error', { code: grpc.status.UNIMPLEMENTED, details: 'the scripted coordinator has no Link' }),
  };
  server = new grpc.Server();
  server.addService(loadProto().twophase.v1.Coordinator.service, handlers as unknown as grpc.UntypedServiceImplementation);
  const port = await new Promise<number>((resolve, reject) =>
    server!.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  client = new TwoPhaseClient({ coordinator: `127.0.0.1:${port}`, participants: { blob: '127.0.0.1:1', metadata: '127.0.0.1:1' }, outcomeWaitMs: 3_000 });
  return { calls };
}

describe('SDK commit when the reply is lost', () => {
  it('learns committed from GetOutcome', async () => {
    const { calls } = await coordinator(['unavailable', 'OUTCOME_COMMITTED']);
    const tx = await client!.begin();
    await expect(tx.commit()).resolves.toMatchObject({ txId: TX });
    expect(calls).toEqual(['Commit', 'GetOutcome', 'GetOutcome']);
  });

  it('learns aborted from GetOutcome and throws TransactionAbortedError, not a timeout', async () => {
    await coordinator(['OUTCOME_ABORTED']);
    const tx = await client!.begin();
    const err = await tx.commit().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransactionAbortedError);
    expect((err as TransactionAbortedError).reason).toContain('presumed');
  });

  it('keeps asking while the coordinator is unreachable or preparing', async () => {
    const { calls } = await coordinator(['unavailable', 'OUTCOME_PREPARING', 'OUTCOME_COMMITTED']);
    const tx = await client!.begin();
    await expect(tx.commit()).resolves.toMatchObject({ txId: TX });
    expect(calls.filter((c) => c === 'GetOutcome')).toHaveLength(3);
  });

  it('re-sends Commit when GetOutcome says the tx is still active (the first Commit never arrived)', async () => {
    const { calls } = await coordinator(['OUTCOME_ACTIVE'], ['unavailable', 'OUTCOME_COMMITTED']);
    const tx = await client!.begin();
    await expect(tx.commit()).resolves.toMatchObject({ txId: TX });
    expect(calls).toEqual(['Commit', 'GetOutcome', 'Commit']);
  });

  it('gives up with OutcomeUnknownError when the coordinator stays unreachable past the wait', async () => {
    await coordinator([]);
    const tx = await client!.begin();
    await expect(tx.commit()).rejects.toBeInstanceOf(OutcomeUnknownError);
  });
});
