import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { CoordinatorRuntime } from '../../coordinator/coordinator-runtime.js';
import { coordinatorService } from '../../coordinator/grpc/coordinator-service.js';
import { GrpcParticipantConnector } from '../../coordinator/grpc/grpc-participant-connector.js';
import { discardingDecisionLog } from '../support/discarding-decision-log.js';
import type { ParticipantConnector } from '../../coordinator/participant-connector.js';
import { coordinatorConfig } from '../../coordinator/protocol/coordinator-config.js';
import { startGrpcServer, type RunningGrpcServer } from '../../lib/grpc/grpc-server.js';
import { silentLogger } from '../../lib/logger/logger.js';
import { loadProto } from '../../proto/load-proto.js';
import type { AbortCause__Output } from '../../proto/gen/twophase/v1/AbortCause.js';
import type { ParticipantHandlers } from '../../proto/gen/twophase/v1/Participant.js';
import { TestCoordinatorClient } from '../support/coordinator-client.js';

/** The abort cause crosses the coordinator's wire both ways: answered to clients, read from a participant's no vote. */
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const noParticipants: ParticipantConnector = {
  prepare: async () => ({ vote: 'yes', reason: '' }),
  commit: async () => undefined,
  abort: async () => undefined,
  commitOnePhase: async () => 'committed',
  resolveOutcome: async () => 'aborted',
  list: () => [],
  close: () => undefined,
};

async function coordinator(): Promise<TestCoordinatorClient> {
  const runtime = new CoordinatorRuntime({ config: coordinatorConfig(), log: discardingDecisionLog, connector: noParticipants, logger: silentLogger() });
  await runtime.start();
  const server = await startGrpcServer('127.0.0.1:0', [coordinatorService(runtime, silentLogger())], silentLogger());
  const client = new TestCoordinatorClient(`127.0.0.1:${server.port}`);
  cleanups.push(() => runtime.stop(0), () => server.shutdown(0), () => client.close());
  return client;
}

/** A participant whose Prepare votes no with `reason` and, unless omitted (an older participant), `cause`. */
async function votingNo(reason: string, cause?: AbortCause__Output): Promise<GrpcParticipantConnector> {
  const no = { vote: 'VOTE_NO' as const, reason, ...(cause === undefined ? {} : { cause }) };
  const handlers: Partial<ParticipantHandlers> = {
    Prepare: (_call, cb) => cb(null, no),
    // no stream: the connector falls back to the unary Prepare
    Link: (call) => call.emit('error', { code: grpc.status.UNIMPLEMENTED, details: 'no Link here' }),
  };
  const server: RunningGrpcServer = await startGrpcServer(
    '127.0.0.1:0',
    [{ name: 'twophase.v1.Participant', definition: loadProto().twophase.v1.Participant.service, implementation: handlers as grpc.UntypedServiceImplementation }],
    silentLogger(),
  );
  const connector = new GrpcParticipantConnector({ participants: new Map([['metadata', `127.0.0.1:${server.port}`]]), phase2CallTimeoutMs: 1_000 });
  cleanups.push(() => server.shutdown(0), () => connector.close());
  return connector;
}

describe('abort cause on the coordinator wire', () => {
  it('Abort, then GetOutcome and a repeated Commit, answer the cause of the abort', async () => {
    const client = await coordinator();
    const { txId } = await client.begin();
    await expect(client.abort(txId, 'a write conflict, says the client')).resolves.toMatchObject({ outcome: 'OUTCOME_ABORTED', cause: 'ABORT_CAUSE_CLIENT' });
    await expect(client.getOutcome(txId)).resolves.toMatchObject({ outcome: 'OUTCOME_ABORTED', cause: 'ABORT_CAUSE_CLIENT' });
    await expect(client.commit(txId)).resolves.toMatchObject({ outcome: 'OUTCOME_ABORTED', cause: 'ABORT_CAUSE_CLIENT' });
  });

  it('a presumed abort is an outage; a commit has no cause', async () => {
    const client = await coordinator();
    await expect(client.getOutcome('tx_neverbegunneverbegun0')).resolves.toMatchObject({ outcome: 'OUTCOME_ABORTED', presumed: true, cause: 'ABORT_CAUSE_OUTAGE' });
    const { txId } = await client.begin();
    await expect(client.commit(txId)).resolves.toMatchObject({ outcome: 'OUTCOME_COMMITTED', cause: 'ABORT_CAUSE_UNSPECIFIED' });
  });

  it("a participant's no vote is a conflict only when its cause says so, whatever its reason says", async () => {
    const deadline = Date.now() + 5_000;
    await expect((await votingNo('Connection terminated unexpectedly', 'ABORT_CAUSE_CONFLICT')).prepare('metadata', 'tx_a', deadline)).resolves.toEqual({
      vote: 'no',
      reason: 'Connection terminated unexpectedly',
      cause: 'conflict',
    });
    await expect((await votingNo('write conflict', 'ABORT_CAUSE_OUTAGE')).prepare('metadata', 'tx_b', deadline)).resolves.toMatchObject({ cause: 'outage' });
    await expect((await votingNo('could not serialize access')).prepare('metadata', 'tx_c', deadline)).resolves.toMatchObject({ cause: 'outage' });
  });
});
