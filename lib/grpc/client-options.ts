import type * as grpc from '@grpc/grpc-js';
import { limits } from '../limits/limits.js';

/**
 * Channel options for every twophase client: reconnect quickly to a restarted peer (the
 * default backoff grows to two minutes, far longer than a crash-restart takes) and find
 * dead connections with keepalive pings.
 */
export const clientOptions: grpc.ChannelOptions = {
  'grpc.initial_reconnect_backoff_ms': limits.grpcReconnectBackoffMsBase,
  'grpc.max_reconnect_backoff_ms': limits.grpcReconnectBackoffMsMax,
  'grpc.keepalive_time_ms': limits.grpcKeepaliveIntervalMs,
  'grpc.keepalive_timeout_ms': limits.grpcKeepaliveTimeoutMs,
  'grpc.max_receive_message_length': limits.grpcMessageBytesMax,
};
