import { setTimeout as sleep } from 'node:timers/promises';

/** Polls `condition` every 10 ms; rejects with `what` if it is still false after `timeoutMs`. */
export async function waitUntil(what: string, condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await sleep(10);
  }
}
