import * as grpc from '@grpc/grpc-js';
import { clientOptions } from '../../lib/grpc/client-options.js';
import { loadProto } from '../../proto/load-proto.js';
import type { ParticipantClient } from '../../proto/gen/twophase/v1/Participant.js';
import type { ParticipantAbortRequest } from '../../proto/gen/twophase/v1/ParticipantAbortRequest.js';
import type { ParticipantCommitRequest } from '../../proto/gen/twophase/v1/ParticipantCommitRequest.js';
import type { PrepareRequest } from '../../proto/gen/twophase/v1/PrepareRequest.js';
import type { PrepareResponse__Output } from '../../proto/gen/twophase/v1/PrepareResponse.js';
import { LinkClient, type LinkStream, type UnaryFallback } from '../../lib/grpc-link/link-client.js';
import type { ParticipantConnector } from '../participant-connector.js';
import { noVoteCauseFromWire } from '../../lib/grpc/abort-cause-wire.js';
import type { NoVoteCause } from '../../lib/abort-cause/abort-cause.js';

export interface GrpcParticipantConnectorOptions {
  /** participantId → host:port */
  readonly participants: ReadonlyMap<string, string>;
  /** Deadline of one phase-2 Commit/Abort call; a slower one is retried. */
  readonly phase2CallTimeoutMs: number;
}

/**
 * Reaches participants over gRPC, one channel each, with Prepare/Commit/Abort multiplexed
 * on a Participant.Link stream (unary calls to a participant without one).
 */
export class GrpcParticipantConnector implements ParticipantConnector {
  private readonly clients = new Map<string, ParticipantClient>();
  private readonly links = new Map<string, LinkClient>();

  constructor(private readonly options: GrpcParticipantConnectorOptions) {
    const { Participant } = loadProto().twophase.v1;
    for (const [id, address] of options.participants) {
      const client = new Participant(address, grpc.credentials.createInsecure(), clientOptions);
      this.clients.set(id, client);
      this.links.set(id, new LinkClient(() => client.Link() as unknown as LinkStream, unaryFallback(client)));
    }
  }

  async prepare(participantId: string, txId: string, deadlineMs: number): Promise<{ vote: 'yes' | 'no'; reason: string; cause?: NoVoteCause }> {
    const res = await this.link(participantId).call<PrepareResponse__Output>('prepare', { txId }, new Date(deadlineMs));
    if (res.vote === 'VOTE_YES') return { vote: 'yes', reason: '' };
    return { vote: 'no', reason: res.reason === '' ? `participant answered ${res.vote}` : res.reason, cause: noVoteCauseFromWire(res.cause) };
  }

  async commit(participantId: string, txId: string): Promise<void> {
    await this.link(participantId).call('commit', { txId }, this.phase2Deadline());
  }

  async abort(participantId: string, txId: string, reason: string): Promise<void> {
    await this.link(participantId).call('abort', { txId, reason }, this.phase2Deadline());
  }

  /** Last-resource mode is not served over gRPC yet: the coordinator accepts no `--commit-mode`, so no step asks for this. */
  commitOnePhase(participantId: string, txId: string): Promise<'committed' | 'aborted'> {
    return Promise.reject(new Error(`cannot commit ${txId} one-phase at ${participantId}: last-resource mode has no gRPC binding yet`));
  }

  resolveOutcome(participantId: string, txId: string): Promise<'committed' | 'aborted'> {
    return Promise.reject(new Error(`cannot resolve ${txId} at ${participantId}: last-resource mode has no gRPC binding yet`));
  }

  list(): readonly { participantId: string; address: string }[] {
    return [...this.options.participants].map(([participantId, address]) => ({ participantId, address }));
  }

  close(): void {
    for (const link of this.links.values()) link.close();
    for (const client of this.clients.values()) client.close();
  }

  private link(participantId: string): LinkClient {
    const link = this.links.get(participantId);
    // the core refuses to enlist unknown participants, so this is a configuration change across a restart
    if (link === undefined) throw new Error(`participant ${participantId} is not configured at this coordinator`);
    return link;
  }

  private phase2Deadline(): Date {
    return new Date(Date.now() + this.options.phase2CallTimeoutMs);
  }
}

/** The unary Participant methods, for a participant that serves no Link. */
function unaryFallback(client: ParticipantClient): UnaryFallback {
  return (kind, request, deadline) =>
    new Promise((resolve, reject) => {
      const done = (err: grpc.ServiceError | null, res?: unknown): void => (err !== null ? reject(err) : resolve(res));
      switch (kind) {
        case 'prepare':
          client.Prepare(request as PrepareRequest, { deadline }, done);
          return;
        case 'commit':
          client.Commit(request as ParticipantCommitRequest, { deadline }, done);
          return;
        case 'abort':
          client.Abort(request as ParticipantAbortRequest, { deadline }, done);
          return;
        default:
          reject(new Error(`no unary Participant method for ${kind}`));
      }
    });
}
