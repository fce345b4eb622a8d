import type { Readable } from 'node:stream';
import type * as grpc from '@grpc/grpc-js';
import { limits } from '../lib/limits/limits.js';

/** Bytes to upload: a whole buffer, or a stream read in constant memory. */
export type Content = Uint8Array | Readable | AsyncIterable<Uint8Array>;

type Callback<Res> = (err: grpc.ServiceError | null, res?: Res) => void;

/**
 * A client-streaming call (Put, AppendUpload): `header` first, then `content` in chunks of
 * at most `limits.sdkPutChunkBytes`, waiting for 'drain' whenever the call's buffer is
 * full, so memory stays constant whatever the size. Resolves with the server's answer;
 * rejects with the server's error when it fails the call (writing stops at once), else
 * with what failed here (the call is then cancelled). Errors are left as gRPC gave them.
 */
export async function streamCall<Res>(open: (callback: Callback<Res>) => grpc.ClientWritableStream<unknown>, header: object, content: Content): Promise<Res> {
  let call!: grpc.ClientWritableStream<unknown>;
  const response = new Promise<Res>((resolve, reject) => {
    call = open((err, res) => (err !== null || res === undefined ? reject(err ?? new Error('empty response')) : resolve(res)));
  });
  // if the server fails the call early, stop writing: the error is in `response`; one
  // reaction wakes a wait for drain, rather than one more reaction per wait
  let failed = false;
  let wake: (() => void) | undefined;
  response.catch(() => {
    failed = true;
    wake?.();
  });
  try {
    call.write(header);
    for await (const chunk of chunksOf(content)) {
      if (failed) break;
      for (let offset = 0; offset < chunk.length; offset += limits.sdkPutChunkBytes) {
        if (!call.write({ chunk: chunk.subarray(offset, offset + limits.sdkPutChunkBytes) })) {
          if (failed) break;
          await new Promise<void>((resolve) => {
            wake = resolve;
            call.once('drain', resolve);
          });
          wake = undefined;
          if (failed) break;
        }
      }
    }
    call.end();
    return await response;
  } catch (err) {
    call.cancel();
    const serverErr = await response.then(
      () => undefined,
      (e: unknown) => e,
    );
    throw serverErr ?? err;
  }
}

async function* chunksOf(content: Content): AsyncIterable<Uint8Array> {
  if (content instanceof Uint8Array) {
    yield content;
    return;
  }
  for await (const chunk of content as AsyncIterable<Uint8Array | string>) {
    yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
  }
}
