import * as grpc from '@grpc/grpc-js';
import { clientOptions } from '../../lib/grpc/client-options.js';
import { channelCredentials } from '../../lib/tls/transport-credentials.js';
import type { TlsMaterial } from '../../lib/tls/tls-material.js';
import { limits } from '../../lib/limits/limits.js';
import { loadProto } from '../../proto/load-proto.js';
import type { CoordinatorClient } from '../../proto/gen/twophase/v1/Coordinator.js';
import type { EnlistResponse__Output } from '../../proto/gen/twophase/v1/EnlistResponse.js';
import type { GetOutcomeResponse__Output } from '../../proto/gen/twophase/v1/GetOutcomeResponse.js';
import { LinkClient, type LinkStream } from '../../lib/grpc-link/link-client.js';
import { coordinatorUnaryFallback } from '../../lib/grpc-link/coordinator-unary-fallback.js';
import type { CoordinatorLink } from '../coordinator-link.js';
import { CoordinatorUnavailableError, InvalidInputError, LimitExceededError, TxNotActiveError } from '../participant-errors.js';

const outcomes = {
  OUTCOME_ACTIVE: 'active',
  OUTCOME_PREPARING: 'preparing',
  OUTCOME_COMMITTED: 'committed',
  OUTCOME_ABORTED: 'aborted',
} as const;

/** The participant's calls to the coordinator over gRPC, multiplexed on a Coordinator.Link stream. */
export class GrpcCoordinatorLink implements CoordinatorLink {
  private readonly client: CoordinatorClient;
  private readonly link: LinkClient;

  constructor(
    address: string,
    tls?: TlsMaterial,
    private readonly callTimeoutMs: number = limits.participantCoordinatorCallTimeoutMs,
  ) {
    const { Coordinator } = loadProto().twophase.v1;
    const client = new Coordinator(address, channelCredentials(tls), clientOptions);
    this.client = client;
    this.link = new LinkClient(() => client.Link() as unknown as LinkStream, coordinatorUnaryFallback(client));
  }

  async enlist(txId: string, participantId: string, incarnation: string): Promise<{ txDeadlineMs: number }> {
    let res: EnlistResponse__Output;
    try {
      res = await this.link.call<EnlistResponse__Output>('enlist', { txId, participantId, incarnation }, this.deadline());
    } catch (err) {
      const code = (err as Partial<grpc.ServiceError>).code;
      const details = (err as Partial<grpc.ServiceError>).details ?? 'refused';
      if (code === grpc.status.FAILED_PRECONDITION || code === grpc.status.NOT_FOUND) throw new TxNotActiveError(txId, details);
      if (code === grpc.status.INVALID_ARGUMENT) throw new InvalidInputError('enlist', details);
      // the coordinator is at a limit: retryable, so it must not read as a tx that is no longer active
      if (code === grpc.status.RESOURCE_EXHAUSTED) throw new LimitExceededError(`coordinator refused the enlist: ${details}`);
      throw new CoordinatorUnavailableError(txId, { cause: err });
    }
    return { txDeadlineMs: Number(res.deadlineUnixMs) };
  }

  async getOutcome(txId: string, participantId: string): Promise<'active' | 'preparing' | 'committed' | 'aborted'> {
    let res: GetOutcomeResponse__Output;
    try {
      res = await this.link.call<GetOutcomeResponse__Output>('getOutcome', { txId, participantId }, this.deadline());
    } catch (err) {
      throw new CoordinatorUnavailableError(txId, { cause: err });
    }
    const outcome = outcomes[res.outcome as keyof typeof outcomes];
    if (outcome === undefined) throw new Error(`coordinator answered an unknown outcome ${res.outcome}`);
    return outcome;
  }

  close(): void {
    this.link.close();
    this.client.close();
  }

  private deadline(): Date {
    return new Date(Date.now() + this.callTimeoutMs);
  }
}
