import * as grpc from '@grpc/grpc-js';
import { loadProto } from '../../proto/load-proto.js';
import type { CoordinatorClient } from '../../proto/gen/twophase/v1/Coordinator.js';

export function coordinatorClient(address: string): CoordinatorClient {
  const { Coordinator } = loadProto().twophase.v1;
  return new Coordinator(address, grpc.credentials.createInsecure(), {
    'grpc.initial_reconnect_backoff_ms': 100,
    'grpc.max_reconnect_backoff_ms': 500,
  });
}

type Callback<Res> = (err: grpc.ServiceError | null, res?: Res) => void;

/** Promisifies one unary call with a deadline. */
export function call<Req, Res>(
  fn: (req: Req, options: grpc.CallOptions, cb: Callback<Res>) => unknown,
  req: Req,
  timeoutMs = 10_000,
): Promise<Res> {
  return new Promise((resolve, reject) => {
    fn(req, { deadline: new Date(Date.now() + timeoutMs) }, (err, res) => (err || res === undefined ? reject(err ?? new Error('empty')) : resolve(res)));
  });
}
