import * as grpc from '@grpc/grpc-js';
import { loadProto } from '../../proto/load-proto.js';
import type { CoordinatorClient } from '../../proto/gen/twophase/v1/Coordinator.js';
import type { BeginResponse__Output } from '../../proto/gen/twophase/v1/BeginResponse.js';
import type { EnlistResponse__Output } from '../../proto/gen/twophase/v1/EnlistResponse.js';
import type { CommitResponse__Output } from '../../proto/gen/twophase/v1/CommitResponse.js';
import type { AbortResponse__Output } from '../../proto/gen/twophase/v1/AbortResponse.js';
import type { GetOutcomeResponse__Output } from '../../proto/gen/twophase/v1/GetOutcomeResponse.js';

type Callback<Res> = (err: grpc.ServiceError | null, res?: Res) => void;
type Unary<Req, Res> = (req: Req, options: grpc.CallOptions, cb: Callback<Res>) => unknown;

/** A thin promise facade over the generated Coordinator client, for tests. */
export class TestCoordinatorClient {
  readonly raw: CoordinatorClient;

  constructor(address: string) {
    const { Coordinator } = loadProto().twophase.v1;
    this.raw = new Coordinator(address, grpc.credentials.createInsecure(), {
      'grpc.initial_reconnect_backoff_ms': 100,
      'grpc.max_reconnect_backoff_ms': 500,
    });
  }

  begin(timeoutMs = 30_000): Promise<BeginResponse__Output> {
    return unary<object, BeginResponse__Output>(this.raw.Begin.bind(this.raw), { timeoutMs });
  }

  enlist(txId: string, participantId: string): Promise<EnlistResponse__Output> {
    return unary<object, EnlistResponse__Output>(this.raw.Enlist.bind(this.raw), { txId, participantId });
  }

  /** Begin, and enlist each participant (as each would on its first operation); returns the txId. */
  async beginEnlisting(participantIds: readonly string[]): Promise<string> {
    const { txId } = await this.begin();
    for (const id of participantIds) await this.enlist(txId, id);
    return txId;
  }

  commit(txId: string): Promise<CommitResponse__Output> {
    return unary<object, CommitResponse__Output>(this.raw.Commit.bind(this.raw), { txId });
  }

  abort(txId: string, reason = ''): Promise<AbortResponse__Output> {
    return unary<object, AbortResponse__Output>(this.raw.Abort.bind(this.raw), { txId, reason });
  }

  getOutcome(txId: string, participantId = ''): Promise<GetOutcomeResponse__Output> {
    return unary<object, GetOutcomeResponse__Output>(this.raw.GetOutcome.bind(this.raw), { txId, participantId });
  }

  close(): void {
    this.raw.close();
  }
}

/** Promisifies one unary call with a deadline. */
export function unary<Req, Res>(fn: Unary<Req, Res>, req: Req, timeoutMs = 10_000): Promise<Res> {
  return new Promise((resolve, reject) => {
    fn(req, { deadline: new Date(Date.now() + timeoutMs) }, (err, res) => (err || res === undefined ? reject(err ?? new Error('empty')) : resolve(res)));
  });
}
