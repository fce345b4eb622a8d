import * as grpc from '@grpc/grpc-js';
import { clientOptions } from '../../lib/grpc/client-options.js';
import { loadProto } from '../../proto/load-proto.js';
import type { CoordinatorClient } from '../../proto/gen/twophase/v1/Coordinator.js';
import type { CoordinatorLink } from '../coordinator-link.js';
import { CoordinatorUnavailableError, InvalidInputError, TxNotActiveError } from '../participant-errors.js';

const outcomes = {
  OUTCOME_ACTIVE: 'active',
  OUTCOME_PREPARING: 'preparing',
  OUTCOME_COMMITTED: 'committed',
  OUTCOME_ABORTED: 'aborted',
} as const;

/** The participant's calls to the coordinator over gRPC. */
export class GrpcCoordinatorLink implements CoordinatorLink {
  private readonly client: CoordinatorClient;

  constructor(
    address: string,
    private readonly callTimeoutMs = 5_000,
  ) {
    const { Coordinator } = loadProto().twophase.v1;
    this.client = new Coordinator(address, grpc.credentials.createInsecure(), clientOptions);
  }

  enlist(txId: string, participantId: string, incarnation: string): Promise<{ txDeadlineMs: number }> {
    return new Promise((resolve, reject) => {
      this.client.Enlist({ txId, participantId, incarnation }, { deadline: this.deadline() }, (err, res) => {
        if (err === null && res !== undefined) {
          resolve({ txDeadlineMs: Number(res.deadlineUnixMs) });
          return;
        }
        const code = err?.code;
        if (code === grpc.status.FAILED_PRECONDITION || code === grpc.status.NOT_FOUND) reject(new TxNotActiveError(txId, err?.details ?? 'refused'));
        else if (code === grpc.status.INVALID_ARGUMENT || code === grpc.status.RESOURCE_EXHAUSTED) reject(new InvalidInputError('enlist', err?.details ?? 'refused'));
        else reject(new CoordinatorUnavailableError(txId, { cause: err }));
      });
    });
  }

  getOutcome(txId: string, participantId: string): Promise<'active' | 'preparing' | 'committed' | 'aborted'> {
    return new Promise((resolve, reject) => {
      this.client.GetOutcome({ txId, participantId }, { deadline: this.deadline() }, (err, res) => {
        if (err !== null || res === undefined) {
          reject(new CoordinatorUnavailableError(txId, { cause: err }));
          return;
        }
        const outcome = outcomes[res.outcome as keyof typeof outcomes];
        if (outcome === undefined) reject(new Error(`coordinator answered an unknown outcome ${res.outcome}`));
        else resolve(outcome);
      });
    });
  }

  close(): void {
    this.client.close();
  }

  private deadline(): Date {
    return new Date(Date.now() + this.callTimeoutMs);
  }
}
