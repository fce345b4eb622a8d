import * as grpc from '@grpc/grpc-js';
import { loadProto } from '../../proto/load-proto.js';
import type { ParticipantHandlers } from '../../proto/gen/twophase/v1/Participant.js';

export interface ParticipantCall {
  readonly method: 'Prepare' | 'Commit' | 'Abort';
  readonly txId: string;
}

/**
 * A participant served over real gRPC that records what the coordinator asks of it.
 * It votes as `vote(txId)` says, and remembers what it prepared, so a test can play
 * an in-doubt participant.
 */
export class FakeParticipant {
  readonly calls: ParticipantCall[] = [];
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
      ListInDoubt: (_call, cb) => cb(null, { branches: [...this.prepared].filter((t) => !this.committed.has(t)).map((txId) => ({ txId })) }),
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

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server !== undefined) await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
  }
}
