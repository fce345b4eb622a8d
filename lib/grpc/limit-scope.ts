import type * as grpc from '@grpc/grpc-js';

/** The trailing metadata key of a RESOURCE_EXHAUSTED that says which kind of limit was reached. */
export const limitScopeKey = 'limit-scope';

/**
 * Which kind of limit a RESOURCE_EXHAUSTED reached, so that a client acts on structure,
 * never on the words of the message. `request`: the request itself is over a limit (an
 * object larger than the store takes); the same request can never pass (HTTP 413).
 * `capacity`: the service is at a limit now (calls in flight, open branches, a full queue
 * or disk); the same request may pass later (HTTP 503).
 */
export type LimitScope = 'request' | 'capacity';

/** The limit scope an error's trailing metadata names; `capacity` when it names none. */
export function limitScopeOf(metadata: grpc.Metadata | undefined): LimitScope {
  return metadata?.get(limitScopeKey)[0] === 'request' ? 'request' : 'capacity';
}
