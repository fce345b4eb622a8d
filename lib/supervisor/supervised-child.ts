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

/**
 * In a child of the Supervisor (see supervisedEnvName), stops the process as SIGTERM would
 * once its supervisor is gone, so that no child outlives it holding a port. Removes the
 * variables first: a process this one starts has a stdin of its own and must not watch it.
 * In a standby child, also arms untilPromoted. Does nothing in a process started otherwise.
 */
export function stopWithSupervisor(name: string): void {
  if (process.env[supervisedEnvName] !== '1') return;
  delete process.env[supervisedEnvName];
  const standby = process.env[standbyEnvName] === '1';
  delete process.env[standbyEnvName];
  let gone = false;
  const onGone = (): void => {
    if (gone) return;
    gone = true;
    process.stderr.write(`${name}: the supervisor is gone (its pipe closed); stopping\n`);
    // the same path as a SIGTERM from the supervisor: a graceful stop, forced past its
    // deadline (a standby that was never promoted has no handler and ends at once)
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
