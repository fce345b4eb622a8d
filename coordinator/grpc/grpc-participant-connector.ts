import * as grpc from '@grpc/grpc-js';
import { clientOptions } from '../../lib/grpc/client-options.js';
import { channelCredentials } from '../../lib/tls/transport-credentials.js';
import type { TlsMaterial } from '../../lib/tls/tls-material.js';
import { loadProto } from '../../proto/load-proto.js';
import type { ParticipantClient } from '../../proto/gen/twophase/v1/Participant.js';
import type { ParticipantAbortRequest } from '../../proto/gen/twophase/v1/ParticipantAbortRequest.js';
import type { ParticipantCommitRequest } from '../../proto/gen/twophase/v1/ParticipantCommitRequest.js';
import type { PrepareRequest } from '../../proto/gen/twophase/v1/PrepareRequest.js';
import type { PrepareResponse__Output } from '../../proto/gen/twophase/v1/PrepareResponse.js';
import type { CommitOnePhaseRequest } from '../../proto/gen/twophase/v1/CommitOnePhaseRequest.js';
import type { CommitOnePhaseResponse__Output } from '../../proto/gen/twophase/v1/CommitOnePhaseResponse.js';
import type { ResolveOutcomeRequest } from '../../proto/gen/twophase/v1/ResolveOutcomeRequest.js';
import type { ResolveOutcomeResponse__Output } from '../../proto/gen/twophase/v1/ResolveOutcomeResponse.js';
import type { LastResourceOutcome__Output } from '../../proto/gen/twophase/v1/LastResourceOutcome.js';
import { LinkClient, statusError, type LinkStream, type UnaryFallback } from '../../lib/grpc-link/link-client.js';
import { isServiceError } from '../../lib/grpc/service-error.js';
import { lastResourceOutcomeFromWire } from '../../lib/grpc/last-resource-outcome-wire.js';
import { NotLastResourceError } from '../not-last-resource-error.js';
import type { ParticipantConnector } from '../participant-connector.js';
import { noVoteCauseFromWire } from '../../lib/grpc/abort-cause-wire.js';
import type { NoVoteCause } from '../../lib/abort-cause/abort-cause.js';

export interface GrpcParticipantConnectorOptions {
  /** participantId → host:port */
  readonly participants: ReadonlyMap<string, string>;
  /** Deadline of one phase-2 Commit/Abort call; a slower one is retried. */
  readonly phase2CallTimeoutMs: number;
  /** Mutual TLS to every participant; plaintext without. */
  readonly tls?: TlsMaterial | undefined;
}

/**
 * Reaches participants over gRPC, one channel each, with Prepare, Commit, Abort and the
 * last resource's CommitOnePhase and ResolveOutcome multiplexed on a Participant.Link
 * stream (unary calls to a participant without one).
 */
export class GrpcParticipantConnector implements ParticipantConnector {
  private readonly clients = new Map<string, ParticipantClient>();
  private readonly links = new Map<string, LinkClient>();

  constructor(private readonly options: GrpcParticipantConnectorOptions) {
    const { Participant } = loadProto().twophase.v1;
    const credentials = channelCredentials(options.tls);
    for (const [id, address] of options.participants) {
      const client = new Participant(address, credentials, clientOptions);
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

  async commitOnePhase(participantId: string, txId: string, participants: readonly string[]): Promise<'committed' | 'aborted'> {
    const res = await this.lastResourceCall<CommitOnePhaseResponse__Output>(participantId, 'commitOnePhase', { txId, participants: [...participants] });
    return outcomeOf(participantId, 'CommitOnePhase', res.outcome);
  }

  async resolveOutcome(participantId: string, txId: string): Promise<'committed' | 'aborted'> {
    const res = await this.lastResourceCall<ResolveOutcomeResponse__Output>(participantId, 'resolveOutcome', { txId });
    return outcomeOf(participantId, 'ResolveOutcome', res.outcome);
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

  /** A last-resource call; UNIMPLEMENTED, a refusal before anything ran there, is a NotLastResourceError. */
  private async lastResourceCall<Res>(participantId: string, kind: 'commitOnePhase' | 'resolveOutcome', request: object): Promise<Res> {
    try {
      return await this.link(participantId).call<Res>(kind, request, this.phase2Deadline());
    } catch (err) {
      if (isServiceError(err) && err.code === grpc.status.UNIMPLEMENTED) throw new NotLastResourceError(participantId, err.details, { cause: err });
      throw err;
    }
  }

  private phase2Deadline(): Date {
    return new Date(Date.now() + this.options.phase2CallTimeoutMs);
  }
}

/**
 * A last resource's answer. Anything but COMMITTED or ABORTED (a broken or newer peer) is
 * a failed call, the outcome unknown: taken as either, it could contradict what happened.
 */
function outcomeOf(participantId: string, method: string, wire: LastResourceOutcome__Output): 'committed' | 'aborted' {
  const outcome = lastResourceOutcomeFromWire(wire);
  if (outcome === undefined) throw statusError(grpc.status.UNKNOWN, `${participantId} answered ${method} with ${wire}, neither committed nor aborted`);
  return outcome;
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
        case 'commitOnePhase':
          client.CommitOnePhase(request as CommitOnePhaseRequest, { deadline }, done);
          return;
        case 'resolveOutcome':
          client.ResolveOutcome(request as ResolveOutcomeRequest, { deadline }, done);
          return;
        default:
          reject(new Error(`no unary Participant method for ${kind}`));
      }
    });
}
