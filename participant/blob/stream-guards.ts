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
