import { onTestFinished } from 'vitest';

/**
 * Collects every error that reaches the process uncaught (such as an `error` event that
 * nobody listens to) until the current test ends, so that the test itself fails on one:
 * Vitest's own report of an unhandled error fails the run but names no test.
 */
export function recordUncaughtErrors(): unknown[] {
  const errors: unknown[] = [];
  const record = (err: unknown): void => void errors.push(err);
  process.on('uncaughtException', record);
  onTestFinished(() => void process.removeListener('uncaughtException', record));
  return errors;
}
