import * as grpc from '@grpc/grpc-js';
import { describe, expect, it, onTestFinished } from 'vitest';
import { GrpcParticipantConnector } from '../../coordinator/grpc/grpc-participant-connector.js';
import { startGrpcServer } from '../../lib/grpc/grpc-server.js';
import { silentLogger } from '../../lib/logger/logger.js';
import type { CoordinatorLink } from '../../participant/coordinator-link.js';
import { participantService } from '../../participant/grpc/participant-service.js';
import { ParticipantRuntime } from '../../participant/participant-runtime.js';
import type { PrepareVote, RecoveryResult, ResourceManager } from '../../participant/resource-manager.js';
import { loadProto } from '../../proto/load-proto.js';
import type { ParticipantClient } from '../../proto/gen/twophase/v1/Participant.js';
import { waitUntil } from '../fault-proxy/wait-until.js';

const TX = 'tx_hungcommithungcommith';

/** A resource manager whose first commit hangs until released (a PostgreSQL link gone silent). */
class HungCommitRm implements ResourceManager {
  readonly participantId = 'blob';
  commits = 0;
  release!: () => void;
  private readonly hung = new Promise<void>((resolve) => (this.release = resolve));
  async recover(): Promise<RecoveryResult> {
    return { prepared: [], abortedLeftovers: 0 };
  }
  async prepare(): Promise<PrepareVote> {
    return { vote: 'yes' };
  }
  async commit(): Promise<{ alreadyCommitted: boolean }> {
    this.commits += 1;
    if (this.commits === 1) await this.hung;
    return { alreadyCommitted: this.commits > 1 };
  }
  async abort(): Promise<{ alreadyAborted: boolean }> {
    return { alreadyAborted: false };
  }
  async close(): Promise<void> {}
}

const coordinator: CoordinatorLink = {
  enlist: async () => ({ txDeadlineMs: Date.now() + 60_000 }),
  getOutcome: async () => 'active',
  close: () => undefined,
};

/** A participant over gRPC whose branch of TX is prepared and whose first Commit hangs. */
async function preparedParticipant(callsWaitingPerTxMax = 16) {
  const logger = silentLogger();
  const rm = new HungCommitRm();
  const runtime = new ParticipantRuntime({ rm, coordinator, logger, callsWaitingPerTxMax });
  await runtime.start();
  const server = await startGrpcServer('127.0.0.1:0', [participantService(runtime, logger)], logger);
  onTestFinished(async () => {
    rm.release();
    await server.shutdown();
    await runtime.stop();
  });
  await runtime.run(TX, async () => undefined);
  expect(await runtime.prepare(TX)).toEqual({ vote: 'yes' });
  return { rm, runtime, address: `127.0.0.1:${server.port}` };
}

function linkCommitter(address: string, phase2CallTimeoutMs: number): () => Promise<void> {
  const connector = new GrpcParticipantConnector({ participants: new Map([['blob', address]]), phase2CallTimeoutMs });
  onTestFinished(() => connector.close());
  return () => connector.commit('blob', TX);
}

function unaryCommitter(address: string, timeoutMs: number): () => Promise<void> {
  const { Participant } = loadProto().twophase.v1;
  const client = new Participant(address, grpc.credentials.createInsecure()) as unknown as ParticipantClient;
  onTestFinished(() => client.close());
  return () =>
    new Promise<void>((resolve, reject) => client.Commit({ txId: TX }, { deadline: new Date(Date.now() + timeoutMs) }, (err) => (err ? reject(err) : resolve())));
}

const codeOf = (err: unknown): string => grpc.status[(err as grpc.ServiceError).code] ?? String(err);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a participant whose Commit hangs', () => {
  for (const transport of ['link', 'unary'] as const) {
    it(`retries of a hung Commit (${transport}) whose deadline passed leave the queue: none of them runs once it unblocks`, async () => {
      const { rm, runtime, address } = await preparedParticipant();
      const commit = transport === 'link' ? linkCommitter(address, 100) : unaryCommitter(address, 100);
      const first = commit().catch(codeOf);
      expect(await first).toBe('DEADLINE_EXCEEDED');
      // the coordinator retries, each call timing out behind the hung one
      for (let i = 0; i < 10; i += 1) expect(await commit().catch(codeOf)).toBe('DEADLINE_EXCEEDED');
      await waitUntil('the last retry left the queue', () => runtime.callsWaiting(TX) === 0);
      expect(rm.commits).toBe(1);
      rm.release();
      await waitUntil('the hung commit ended', () => runtime.branchCount() === 0);
      // give anything still queued its turn: none is, so only the hung call ever ran
      await sleep(100);
      expect(rm.commits).toBe(1);
    });
  }

  it('a tx with callsWaitingPerTxMax calls waiting refuses more with RESOURCE_EXHAUSTED (retryable), at once', async () => {
    const { rm, runtime, address } = await preparedParticipant(4);
    const commit = linkCommitter(address, 5_000);
    const hungCall = commit().catch(codeOf);
    await waitUntil('the first Commit reached the resource manager', () => rm.commits === 1);
    const answeredWhileHung: string[] = [];
    const calls = Array.from({ length: 10 }, () => commit().then(() => 'OK', codeOf).then((code) => (answeredWhileHung.push(code), code)));
    // refused at once, while the first Commit still hangs; the others wait their turn
    await waitUntil('six calls were answered', () => answeredWhileHung.length >= 6, 4_000);
    expect(answeredWhileHung).toEqual(Array(6).fill('RESOURCE_EXHAUSTED'));
    expect(runtime.callsWaiting(TX)).toBe(4);
    rm.release();
    const codes = await Promise.all(calls);
    expect(codes.filter((c) => c === 'OK')).toHaveLength(4);
    expect(await hungCall).toBeUndefined();
  });
});
