import type * as grpc from '@grpc/grpc-js';
import type { WaitScope } from '../keyed-mutex/keyed-mutex.js';

/**
 * When the caller of a unary call stops waiting for it: its deadline (none when the client
 * set none) and its cancellation, so work queued for it can be dropped instead of run.
 */
export function callWaitScope(call: grpc.ServerUnaryCall<unknown, unknown>): WaitScope {
  const gone = new AbortController();
  if (call.cancelled) gone.abort();
  else call.once('cancelled', () => gone.abort());
  const deadline = call.getDeadline();
  const deadlineMs = deadline instanceof Date ? deadline.getTime() : deadline;
  return Number.isFinite(deadlineMs) ? { deadlineMs, signal: gone.signal } : { signal: gone.signal };
}
