import * as grpc from '@grpc/grpc-js';
import { clientOptions } from '../../lib/grpc/client-options.js';
import { loadProto } from '../../proto/load-proto.js';
import type { ParticipantClient } from '../../proto/gen/twophase/v1/Participant.js';
import type { ParticipantConnector } from '../participant-connector.js';

export interface GrpcParticipantConnectorOptions {
  /** participantId → host:port */
  readonly participants: ReadonlyMap<string, string>;
  /** Deadline of one phase-2 Commit/Abort call; a slower one is retried. */
  readonly phase2CallTimeoutMs: number;
}

/** Reaches participants over gRPC, one channel each. */
export class GrpcParticipantConnector implements ParticipantConnector {
  private readonly clients = new Map<string, ParticipantClient>();

  constructor(private readonly options: GrpcParticipantConnectorOptions) {
    const { Participant } = loadProto().twophase.v1;
    for (const [id, address] of options.participants) {
      this.clients.set(id, new Participant(address, grpc.credentials.createInsecure(), clientOptions));
    }
  }

  async prepare(participantId: string, txId: string, deadlineMs: number): Promise<{ vote: 'yes' | 'no'; reason: string }> {
    const client = this.client(participantId);
    const res = await new Promise<{ vote: string; reason: string }>((resolve, reject) =>
      client.Prepare({ txId }, { deadline: new Date(deadlineMs) }, (err, r) => (err || r === undefined ? reject(err ?? new Error('empty reply')) : resolve(r))),
    );
    if (res.vote === 'VOTE_YES') return { vote: 'yes', reason: '' };
    return { vote: 'no', reason: res.reason === '' ? `participant answered ${res.vote}` : res.reason };
  }

  async commit(participantId: string, txId: string): Promise<void> {
    const client = this.client(participantId);
    await new Promise<void>((resolve, reject) =>
      client.Commit({ txId }, { deadline: this.phase2Deadline() }, (err) => (err ? reject(err) : resolve())),
    );
  }

  async abort(participantId: string, txId: string, reason: string): Promise<void> {
    const client = this.client(participantId);
    await new Promise<void>((resolve, reject) =>
      client.Abort({ txId, reason }, { deadline: this.phase2Deadline() }, (err) => (err ? reject(err) : resolve())),
    );
  }

  list(): readonly { participantId: string; address: string }[] {
    return [...this.options.participants].map(([participantId, address]) => ({ participantId, address }));
  }

  close(): void {
    for (const client of this.clients.values()) client.close();
  }

  private client(participantId: string): ParticipantClient {
    const client = this.clients.get(participantId);
    // the core refuses to enlist unknown participants, so this is a configuration change across a restart
    if (client === undefined) throw new Error(`participant ${participantId} is not configured at this coordinator`);
    return client;
  }

  private phase2Deadline(): Date {
    return new Date(Date.now() + this.options.phase2CallTimeoutMs);
  }
}
