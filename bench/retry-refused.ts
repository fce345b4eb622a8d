import { setTimeout as sleep } from 'node:timers/promises';

/** How long one upload keeps retrying a process that refused it for being at a limit of its capacity. */
const retryForMsMax = 10_000;
const retryDelayMsMax = 100;

/**
 * Runs `attempt` until it succeeds, retrying with jittered exponential backoff (5 ms up to
 * 100 ms) for at most 10 s while it fails with an error `refused` accepts, and calling
 * `onRetry` before each retry; any other error, or one past the 10 s, is thrown.
 */
export async function retryRefused<T>(attempt: () => Promise<T>, refused: (err: unknown) => boolean, onRetry: () => void): Promise<T> {
  const giveUpAt = Date.now() + retryForMsMax;
  for (let delayMs = 5; ; delayMs = Math.min(delayMs * 2, retryDelayMsMax)) {
    try {
      return await attempt();
    } catch (err) {
      if (!refused(err) || Date.now() + delayMs > giveUpAt) throw err;
      onRetry();
      // jitter: the refused uploads would otherwise all come back at the same instant
      await sleep(delayMs * (0.5 + Math.random()));
    }
  }
}
