import { limits } from '../limits/limits.js';

/**
 * The environment variable the Supervisor sets in each child it starts: the child's stdin is
 * then a pipe whose other end only the supervisor holds, and which closes when the
 * supervisor dies, however it dies (SIGKILL included).
 */
export const supervisedEnvName = 'TWOPHASE_SUPERVISED';

/**
 * Set (beside supervisedEnvName) in a standby child: a process started ahead of need, with
 * the same command and arguments as the child it may replace, that loads its code and then
 * waits, doing nothing, until the supervisor promotes it by writing one line to its stdin.
 */
export const standbyEnvName = 'TWOPHASE_STANDBY';

/** The line the supervisor writes to a standby child's stdin to promote it. */
export const promoteLine = 'promote\n';

let promoted: Promise<void> = Promise.resolve();
let gone = false;

/**
 * In a child of the Supervisor (see supervisedEnvName), stops the process as SIGTERM would
 * once its supervisor is gone, so that no child outlives it holding a port; the process then
 * ends (SIGKILL) as soon as that stop calls process.exit, or limits.supervisorGoneExitMs
 * after the supervisor went, whichever comes first. Call it before loading anything else:
 * until it runs, nothing reads the pipe, and loading takes seconds on a busy machine (from
 * source, through tsx; a standby too). Removes the variables first: a process this one
 * starts has a stdin of its own and must not watch it. Its stdout and stderr lead to the
 * supervisor as well; once it is gone, a write to them fails with EPIPE, which is ignored.
 * In a standby child, also arms untilPromoted. Does nothing in a process started otherwise.
 */
export function stopWithSupervisor(name: string): void {
  if (process.env[supervisedEnvName] !== '1') return;
  delete process.env[supervisedEnvName];
  const standby = process.env[standbyEnvName] === '1';
  delete process.env[standbyEnvName];
  // unheard, the 'error' of a write nobody reads would end the process in the middle of its
  // graceful stop (pino's own destination ignores EPIPE already; console and stderr do not)
  process.stdout.on('error', ignoreBrokenPipe);
  process.stderr.on('error', ignoreBrokenPipe);
  // registered before any other 'exit' listener: however the process ends once the supervisor
  // is gone, it ends here. The next listener would be pino's, flushing what it still holds to
  // stdout, and sonic-boom's flushSync retries a write that fails with EPIPE for ever
  process.on('exit', () => {
    if (gone) endNow();
  });
  const onGone = (): void => {
    if (gone) return;
    gone = true;
    // nobody waits for this stop, and a dev started again wants the ports: the graceful stop
    // gets a deadline of its own, well under the one of a SIGTERM (runUntilSignal's)
    setTimeout(endNow, limits.supervisorGoneExitMs).unref();
    process.stderr.write(`${name}: the supervisor is gone (its pipe closed); stopping\n`);
    // the same path as a SIGTERM from the supervisor: a graceful stop (a standby that was
    // never promoted, or a process still loading its code, has no handler and ends at once)
    process.kill(process.pid, 'SIGTERM');
  };
  process.stdin.on('end', onGone);
  process.stdin.on('close', onGone);
  process.stdin.on('error', onGone);
  if (!standby) {
    // nothing is ever written to the pipe; reading it is how its close is seen
    process.stdin.on('data', () => undefined);
    return;
  }
  promoted = new Promise<void>((resolve) => {
    // the promotion is the only thing ever written; reading on is how the pipe's close is seen
    process.stdin.on('data', () => resolve());
  });
}

/**
 * Resolves when this process may start its work: at once, except in a standby child (see
 * standbyEnvName), which waits here, its code loaded, until its supervisor promotes it. A
 * command calls it after loading what it runs and before touching any file, port or peer.
 */
export function untilPromoted(): Promise<void> {
  return promoted;
}

/**
 * Whether this process is a child of the Supervisor that saw it gone (stopWithSupervisor):
 * its stop is then cut short at limits.supervisorGoneExitMs, and what must not outlive it
 * (the postmaster of `twophase postgres`) has to be ended within that.
 */
export function supervisorGone(): boolean {
  return gone;
}

/**
 * Ends the process at once, past every 'exit' listener: what they would flush reaches no one,
 * and what had to end with it has (the postmaster: `twophase postgres` stops it first).
 */
function endNow(): void {
  process.kill(process.pid, 'SIGKILL');
}

function ignoreBrokenPipe(err: NodeJS.ErrnoException): void {
  if (err.code === 'EPIPE') return;
  throw err;
}
