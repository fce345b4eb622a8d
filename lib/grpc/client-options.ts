import type * as grpc from '@grpc/grpc-js';

/**
 * Channel options for every twophase client: reconnect quickly to a restarted peer (the
 * default backoff grows to two minutes, far longer than a crash-restart takes) and find
 * dead connections with keepalive pings.
 */
export const clientOptions: grpc.ChannelOptions = {
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 2_000,
  'grpc.keepalive_time_ms': 30_000,
  'grpc.keepalive_timeout_ms': 10_000,
  'grpc.max_receive_message_length': 4 * 1024 * 1024,
};
