import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Calls `check` every `intervalMs` (after the previous call returned) until it says true;
 * returns performance.now() of that moment, or `undefined` once `timeoutMs` passed.
 */
export async function pollUntil(check: () => Promise<boolean>, intervalMs: number, timeoutMs: number): Promise<number | undefined> {
  const giveUpAt = performance.now() + timeoutMs;
  for (;;) {
    if (await check()) return performance.now();
    if (performance.now() >= giveUpAt) return undefined;
    await sleep(intervalMs);
  }
}
