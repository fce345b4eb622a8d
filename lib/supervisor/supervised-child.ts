/**
 * The environment variable the Supervisor sets in each child it starts: the child's stdin is
 * then a pipe whose other end only the supervisor holds, and which closes when the
 * supervisor dies, however it dies (SIGKILL included).
 */
export const supervisedEnvName = 'TWOPHASE_SUPERVISED';

/**
 * In a child of the Supervisor (see supervisedEnvName), stops the process as SIGTERM would
 * once its supervisor is gone, so that no child outlives it holding a port. Removes the
 * variable first: a process this one starts has a stdin of its own and must not watch it.
 * Does nothing in a process started otherwise.
 */
export function stopWithSupervisor(name: string): void {
  if (process.env[supervisedEnvName] !== '1') return;
  delete process.env[supervisedEnvName];
  let gone = false;
  const onGone = (): void => {
    if (gone) return;
    gone = true;
    process.stderr.write(`${name}: the supervisor is gone (its pipe closed); stopping\n`);
    // the same path as a SIGTERM from the supervisor: a graceful stop, forced past its deadline
    process.kill(process.pid, 'SIGTERM');
  };
  process.stdin.on('end', onGone);
  process.stdin.on('close', onGone);
  process.stdin.on('error', onGone);
  // nothing is ever written to the pipe; reading it is how its close is seen
  process.stdin.on('data', () => undefined);
}
