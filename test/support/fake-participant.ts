import { setTimeout as sleep } from 'node:timers/promises';
import * as grpc from '@grpc/grpc-js';
import { silentLogger } from '../../lib/logger/logger.js';
import type { CoordinatorLink } from '../../participant/coordinator-link.js';
import { GrpcCoordinatorLink } from '../../participant/grpc/grpc-coordinator-link.js';
import { BranchNotCommittedError } from '../../participant/participant-errors.js';
import { ParticipantRuntime } from '../../participant/participant-runtime.js';
import type { PrepareVote, RecoveryResult, ResourceManager } from '../../participant/resource-manager.js';
import { loadProto } from '../../proto/load-proto.js';
import type { ParticipantHandlers } from '../../proto/gen/twophase/v1/Participant.js';

export interface ParticipantCall {
  readonly method: 'Prepare' | 'Commit' | 'Abort';
  readonly txId: string;
}

/** An answer this participant's recovery got from the coordinator's GetOutcome. */
export interface OutcomeLearned {
  readonly txId: string;
  readonly outcome: Awaited<ReturnType<CoordinatorLink['getOutcome']>>;
}

/**
 * A participant served over real gRPC that records what the coordinator asks of it.
 * It votes as `vote(txId)` says, and remembers what it prepared, so a test can play
 * an in-doubt participant; `recoverInDoubt` plays its restart with the real runtime.
 */
export class FakeParticipant {
  readonly calls: ParticipantCall[] = [];
  /** What `recoverInDoubt` heard from the coordinator, in order. */
  readonly outcomesLearned: OutcomeLearned[] = [];
  readonly prepared = new Set<string>();
  readonly committed = new Set<string>();
  readonly aborted = new Set<string>();
  vote: (txId: string) => 'yes' | 'no' = () => 'yes';
  private server: grpc.Server | undefined;
  port = 0;
  private waiters: { match: (c: ParticipantCall) => boolean; resolve: () => void }[] = [];

  constructor(readonly participantId: string) {}

  async start(port = 0): Promise<number> {
    const server = new grpc.Server();
    const record = (call: ParticipantCall): void => {
      this.calls.push(call);
      const ready = this.waiters.filter((w) => w.match(call));
      this.waiters = this.waiters.filter((w) => !w.match(call));
      for (const w of ready) w.resolve();
    };
    const handlers: ParticipantHandlers = {
      Prepare: (call, cb) => {
        record({ method: 'Prepare', txId: call.request.txId });
        const vote = this.vote(call.request.txId);
        if (vote === 'yes') this.prepared.add(call.request.txId);
        cb(null, { vote: vote === 'yes' ? 'VOTE_YES' : 'VOTE_NO', reason: vote === 'yes' ? '' : 'test says no' });
      },
      Commit: (call, cb) => {
        record({ method: 'Commit', txId: call.request.txId });
        const already = this.committed.has(call.request.txId);
        this.committed.add(call.request.txId);
        cb(null, { alreadyCommitted: already });
      },
      Abort: (call, cb) => {
        record({ method: 'Abort', txId: call.request.txId });
        const already = this.aborted.has(call.request.txId);
        this.aborted.add(call.request.txId);
        this.prepared.delete(call.request.txId);
        cb(null, { alreadyAborted: already });
      },
      // as a participant whose storage has no one-phase commit: refused before anything runs
      CommitOnePhase: (_call, cb) => cb({ code: grpc.status.UNIMPLEMENTED, details: `participant ${this.participantId} is not a last resource` }),
      ResolveOutcome: (_call, cb) => cb({ code: grpc.status.UNIMPLEMENTED, details: `participant ${this.participantId} is not a last resource` }),
      ListInDoubt: (_call, cb) => cb(null, { branches: [...this.prepared].filter((t) => !this.committed.has(t)).map((txId) => ({ txId })) }),
      // no stream: the coordinator falls back to unary calls, which are what this fake records
      Link: (call) => call.emit('error', { code: grpc.status.UNIMPLEMENTED, details: 'the fake participant has no Link' }),
    };
    server.addService(loadProto().twophase.v1.Participant.service, handlers as unknown as grpc.UntypedServiceImplementation);
    this.port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
    );
    this.server = server;
    return this.port;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Resolves once a call matching `method` and `txId` has been received (or already was). */
  waitFor(method: ParticipantCall['method'], txId: string, timeoutMs = 20_000): Promise<void> {
    const match = (c: ParticipantCall): boolean => c.method === method && c.txId === txId;
    if (this.calls.some(match)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.participantId}: no ${method} for ${txId} within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        match,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  /**
   * Plays a restart of this participant: the real ParticipantRuntime recovers the branches
   * this fake prepared (its durable state), holds them in doubt, asks the coordinator at
   * `coordinatorAddress` GetOutcome over gRPC and applies the answer to this fake's sets,
   * exactly as a restarted participant process does. Resolves once nothing is in doubt;
   * rejects if a branch is still in doubt after `timeoutMs`.
   */
  async recoverInDoubt(coordinatorAddress: string, timeoutMs = 20_000): Promise<void> {
    const grpcLink = new GrpcCoordinatorLink(coordinatorAddress);
    const coordinator: CoordinatorLink = {
      enlist: (txId, participantId, incarnation) => grpcLink.enlist(txId, participantId, incarnation),
      getOutcome: async (txId, participantId) => {
        const outcome = await grpcLink.getOutcome(txId, participantId);
        this.outcomesLearned.push({ txId, outcome });
        return outcome;
      },
      close: () => grpcLink.close(),
    };
    const runtime = new ParticipantRuntime({ rm: this.resourceManager(), coordinator, logger: silentLogger() });
    try {
      await runtime.start();
      const giveUpAtMs = Date.now() + timeoutMs;
      while (runtime.branchCount() > 0) {
        if (Date.now() > giveUpAtMs) throw new Error(`${this.participantId}: still in doubt after ${timeoutMs} ms: ${runtime.inDoubt().map((b) => b.txId).join(', ')}`);
        await sleep(20);
      }
    } finally {
      await runtime.stop();
    }
  }

  /** This fake's branch sets as the resource manager a restarted runtime drives. */
  private resourceManager(): ResourceManager {
    const { participantId, prepared, committed, aborted } = this;
    return {
      participantId,
      recover: async (): Promise<RecoveryResult> => ({
        prepared: [...prepared].filter((txId) => !committed.has(txId) && !aborted.has(txId)).map((txId) => ({ txId, preparedAtMs: Date.now() })),
        abortedLeftovers: 0,
      }),
      prepare: async (txId): Promise<PrepareVote> => (prepared.has(txId) ? { vote: 'yes' } : { vote: 'no', reason: 'unknown branch' }),
      commit: async (txId) => {
        const already = committed.has(txId);
        if (!already && !prepared.has(txId)) throw new BranchNotCommittedError(txId, participantId, 'no such branch');
        committed.add(txId);
        prepared.delete(txId);
        return { alreadyCommitted: already };
      },
      abort: async (txId) => {
        const already = aborted.has(txId);
        aborted.add(txId);
        prepared.delete(txId);
        return { alreadyAborted: already };
      },
      close: async () => undefined,
    };
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server !== undefined) await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
  }
}
