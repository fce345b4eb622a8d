import * as grpc from '@grpc/grpc-js';
import type { LinkClient } from '../lib/grpc-link/link-client.js';
import { fromGrpcError } from './sdk-errors.js';
import { limits } from '../lib/limits/limits.js';

type Callback<Res> = (err: grpc.ServiceError | null, res?: Res) => void;
/** A generated client method, seen through its (request, metadata, options, callback) overload. */
export type UnaryMethod<Res> = (req: never, metadata: grpc.Metadata, options: grpc.CallOptions, cb: Callback<Res>) => unknown;

export interface CallPolicy {
  /** Deadline of one attempt. */
  readonly timeoutMs: number;
  /** Attempts in all; >1 only for idempotent calls. Retried on UNAVAILABLE alone. */
  readonly attempts: number;
  /** Delay before the second attempt (default limits.sdkCallRetryMsBase); doubles after, capped at limits.sdkCallRetryMsMax. */
  readonly retryDelayMs?: number;
}

/** One unary gRPC call with a deadline, retried only as the policy allows, failing with a typed SDK error. */
export async function unaryCall<Res>(method: UnaryMethod<Res>, req: object, policy: CallPolicy, context: string): Promise<Res> {
  let delay = policy.retryDelayMs ?? limits.sdkCallRetryMsBase;
  for (let attempt = 1; ; attempt++) {
    try {
      return await new Promise<Res>((resolve, reject) => {
        // a retried (idempotent) call waits for a reconnecting peer instead of failing at once
        const metadata = new grpc.Metadata({ waitForReady: policy.attempts > 1 });
        const options: grpc.CallOptions = { deadline: new Date(Date.now() + policy.timeoutMs) };
        (method as (r: object, m: grpc.Metadata, o: grpc.CallOptions, cb: Callback<Res>) => unknown)(req, metadata, options, (err, res) =>
          err !== null || res === undefined ? reject(err ?? new Error('empty response')) : resolve(res),
        );
      });
    } catch (err) {
      const retryable = (err as Partial<grpc.ServiceError>).code === grpc.status.UNAVAILABLE;
      if (!retryable || attempt >= policy.attempts) throw fromGrpcError(err, context);
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, limits.sdkCallRetryMsMax);
    }
  }
}

/** A method of a Link stream (see Coordinator.Link) seen as a generated unary method, for unaryCall; `bytes`: the size of its byte fields. */
export function linkMethod<Res>(link: LinkClient, kind: string, bytes = 0): UnaryMethod<Res> {
  return ((req: object, _metadata: grpc.Metadata, options: grpc.CallOptions, cb: Callback<Res>) => {
    const deadline = options.deadline instanceof Date ? options.deadline : new Date(Number(options.deadline ?? Date.now() + limits.sdkCallTimeoutMsDefault));
    link.call<Res>(kind, req, deadline, bytes).then(
      (res) => cb(null, res),
      (err: unknown) => cb(err as grpc.ServiceError),
    );
  }) as unknown as UnaryMethod<Res>;
}
