import * as grpc from '@grpc/grpc-js';
import { loadProto } from '../proto/load-proto.js';
import type { CoordinatorClient } from '../proto/gen/twophase/v1/Coordinator.js';
import { probeChannelOptions } from './probe-channel-options.js';

/** Asks the coordinator's unary GetOutcome, as a client whose Commit reply was lost does. */
export class OutcomeProbe {
  private readonly client: CoordinatorClient;

  constructor(address: string) {
    const { Coordinator } = loadProto().twophase.v1;
    this.client = new Coordinator(address, grpc.credentials.createInsecure(), probeChannelOptions);
  }

  /** `OUTCOME_COMMITTED`, …; `undefined` while the coordinator does not answer. */
  outcome(txId: string, deadlineMs = 1_000): Promise<string | undefined> {
    return new Promise((resolve) =>
      this.client.GetOutcome({ txId }, { deadline: new Date(Date.now() + deadlineMs) }, (err, res) => resolve(err !== null || res === undefined ? undefined : res.outcome)),
    );
  }

  close(): void {
    this.client.close();
  }
}
