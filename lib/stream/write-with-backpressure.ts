import type { EventEmitter } from 'node:events';

/**
 * Writes `chunk`; when the target's buffer is full, resolves once it drains, or once
 * `signal` aborts (a reader that went away never drains, and must not hold the writer for
 * ever). For an HTTP response as for a gRPC server stream.
 */
export async function writeWithBackpressure(target: EventEmitter & { write(chunk: never): boolean }, chunk: unknown, signal: AbortSignal): Promise<void> {
  if ((target.write as (c: unknown) => boolean)(chunk) || signal.aborted) return;
  await new Promise<void>((resolve) => {
    const done = (): void => {
      target.removeListener('drain', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    target.once('drain', done);
    signal.addEventListener('abort', done);
  });
}
