import type * as grpc from '@grpc/grpc-js';

/**
 * Channel options of the recovery bench's probes: reconnect every 10 ms to a server that
 * is not listening yet, so the first answer is seen within a poll of when it is possible
 * (grpc-js would otherwise back off for a second and more between connection attempts).
 */
export const probeChannelOptions: grpc.ChannelOptions = {
  'grpc.initial_reconnect_backoff_ms': 10,
  'grpc.min_reconnect_backoff_ms': 10,
  'grpc.max_reconnect_backoff_ms': 10,
};
