import { setImmediate } from 'node:timers/promises';
import type * as grpc from '@grpc/grpc-js';
import { serviceError } from '../../lib/grpc/service-error.js';
import { limits } from '../../lib/limits/limits.js';

/**
 * `messages`, failing with DEADLINE_EXCEEDED when the next one takes longer than
 * `stallMs`. A client that is alive but silent (its connection keeps answering HTTP/2
 * pings, it never ends or cancels the call) would otherwise hold one of the Put slots,
 * and the tx's lock, for ever: the branch never becomes idle while its Put is in flight.
 * The throw reaches the store through the chunk iterator, which drops the staged object
 * (a Put) or keeps what arrived (an AppendUpload).
 */
export function stallGuarded<T>(messages: AsyncIterator<T>, stallMs: number, method = 'Put'): AsyncIterator<T> {
  return {
    next: async () => {
      let timer: NodeJS.Timeout | undefined;
      const stalled = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(
          () => reject(serviceError('DEADLINE_EXCEEDED', `no ${method} message for ${stallMs} ms: the upload stalled${method === 'Put' ? ' (the staged bytes are dropped)' : ''}`)),
          stallMs,
        );
      });
      try {
        return await Promise.race([messages.next(), stalled]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** Counts the calls of one method being served and refuses those past the limit. */
export class InFlight {
  private count = 0;

  constructor(
    private readonly method: string,
    private readonly countMax: number,
  ) {}

  async run<T>(operation: () => Promise<T>): Promise<T> {
    if (this.count >= this.countMax) {
      throw serviceError('RESOURCE_EXHAUSTED', `${this.count} ${this.method} calls are in flight; the limit is ${this.countMax}; retry later`);
    }
    this.count++;
    try {
      return await operation();
    } finally {
      this.count--;
    }
  }
}

/**
 * A client stream (Put, AppendUpload) is a Readable in object mode, which reads ahead up to its high-water
 * mark, 16 messages: 16 MiB of chunks queued in the participant while the disk catches
 * up, on top of what the HTTP/2 windows hold. Two are enough to keep the disk busy. grpc-js
 * has no option for it, so the stream's own state is set; a version that moves it leaves
 * the default (more memory, same result).
 */
export function limitQueuedMessages(call: grpc.ServerReadableStream<unknown, unknown>): void {
  const state = (call as unknown as { _readableState?: { highWaterMark?: unknown } })._readableState;
  if (state !== undefined && typeof state.highWaterMark === 'number') state.highWaterMark = limits.blobPutQueuedMessagesMax;
}

/**
 * The chunks after the header of a client stream (Put, AppendUpload), pulled one message
 * at a time: the stream's own backpressure. `onChunk` sees each before it is yielded (and
 * may throw). It ends only for a real end of the stream: a client's cancel (or deadline)
 * ends the request stream just like its end() does (Node's http2 pushes the end of a reset
 * stream first, and grpc-js flags the call cancelled a few ticks later, all before the next
 * turn of the event loop), so it looks again after that turn and throws CANCELLED, so that
 * whoever consumes the chunks never takes a cut-short stream for a whole one.
 */
export async function* chunksAfterHeader(
  call: grpc.ServerReadableStream<unknown, unknown>,
  messages: AsyncIterator<{ readonly part?: string; readonly chunk?: Buffer }>,
  method: string,
  onChunk?: (chunk: Buffer) => void,
): AsyncGenerator<Uint8Array> {
  for (;;) {
    const next = await messages.next();
    if (next.done === true) {
      await setImmediate();
      if (call.cancelled) throw serviceError('CANCELLED', `${method} was cancelled before its last chunk`);
      return;
    }
    const chunk = next.value.chunk;
    if (next.value.part !== 'chunk' || chunk === undefined) {
      throw serviceError('INVALID_ARGUMENT', `only the first message of ${method} carries a header; every later one carries a chunk`);
    }
    if (chunk.length > limits.blobPutChunkBytesMax) {
      throw serviceError('INVALID_ARGUMENT', `a ${method} chunk of ${chunk.length} bytes is over the limit of ${limits.blobPutChunkBytesMax}`);
    }
    onChunk?.(chunk);
    yield chunk;
  }
}
