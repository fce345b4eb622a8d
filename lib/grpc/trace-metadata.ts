import * as grpc from '@grpc/grpc-js';
import { activeTraceparent } from '../tracing/tracing.js';

/**
 * Metadata carrying the W3C traceparent of the active span, for a call that is not on a
 * Link (where each call carries its own): a streamed Put, a Get. Empty with tracing off.
 */
export function traceMetadata(): grpc.Metadata {
  const metadata = new grpc.Metadata();
  const traceparent = activeTraceparent();
  if (traceparent !== '') metadata.set('traceparent', traceparent);
  return metadata;
}

/** The traceparent a call's metadata carries, or ''. */
export function traceparentOf(metadata: grpc.Metadata): string {
  const value = metadata.get('traceparent')[0];
  return typeof value === 'string' ? value : '';
}
