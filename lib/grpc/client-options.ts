import type * as grpc from '@grpc/grpc-js';
import { limits } from '../limits/limits.js';

/**
 * Channel options for every twophase client: reconnect quickly to a restarted peer (the
 * default backoff grows to two minutes, far longer than a crash-restart takes) and find
 * dead connections with keepalive pings; a receive window wider than HTTP/2's default,
 * so a streamed download is not held to 64 KiB per round trip.
 */
export const clientOptions: grpc.ChannelOptions = {
  'grpc.initial_reconnect_backoff_ms': limits.grpcReconnectBackoffMsBase,
  'grpc.max_reconnect_backoff_ms': limits.grpcReconnectBackoffMsMax,
  'grpc.keepalive_time_ms': limits.grpcKeepaliveIntervalMs,
  'grpc.keepalive_timeout_ms': limits.grpcKeepaliveTimeoutMs,
  'grpc.max_receive_message_length': limits.grpcMessageBytesMax,
  'grpc-node.flow_control_window': limits.grpcStreamWindowBytes,
};
