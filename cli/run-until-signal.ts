import { limits } from '../lib/limits/limits.js';

/**
 * Keeps a service running until SIGTERM or SIGINT, then stops it gracefully; a second
 * signal, or a stop that takes longer than `forceAfterMs`, exits at once.
 */
export function runUntilSignal(name: string, stop: () => Promise<void>, forceAfterMs: number = limits.shutdownForceAfterMs): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      process.stderr.write(`${name}: ${signal} again, exiting now\n`);
      process.exit(130);
    }
    stopping = true;
    setTimeout(() => {
      process.stderr.write(`${name}: graceful stop took over ${forceAfterMs} ms, exiting\n`);
      process.exit(1);
    }, forceAfterMs).unref();
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`${name}: error while stopping: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
