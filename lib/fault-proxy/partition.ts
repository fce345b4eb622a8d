/**
 * Which way a `FaultProxy` cuts its link. Directions are named from the client's side:
 * `forward` is client → target, `backward` is target → client.
 *
 * - `both`: a full partition. New connections are reset at accept and open ones are
 *   reset, like a peer that became unreachable.
 * - `forward` / `backward`: a one-way partition. Connections stay open and bytes in the
 *   cut direction vanish without an error on either side, so only keepalives and
 *   deadlines can notice, as with a real asymmetric fault.
 */
export type Partition = 'both' | 'forward' | 'backward';
