import type { Clock } from '../../lib/clock/clock.js';

/**
 * A clock for a test that sets the time itself: `now` reads `nowMs()`, and its timers
 * never fire (the test calls what they would run).
 */
export function frozenClock(nowMs: () => number): Clock {
  const never = { cancel: () => undefined };
  return { now: nowMs, after: () => never, every: () => never };
}
