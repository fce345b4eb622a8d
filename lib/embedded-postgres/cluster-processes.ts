import { readdir, readFile, readlink, realpath } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { isProcessAlive } from '../process-alive/is-process-alive.js';
import { limits } from '../limits/limits.js';

/**
 * The OS processes of one PostgreSQL cluster, found through Linux's /proc. Every
 * PostgreSQL process (postmaster, backends, checkpointer, …) runs with the data
 * directory as its working directory, so that is how they are found, including backends
 * orphaned by a SIGKILLed postmaster: they are no longer its children, yet they keep the
 * shared memory attached and a new postmaster refuses to start until they are gone.
 * Elsewhere (no /proc) only the pid given is known.
 */
export const clusterProcesses = {
  /** Pids of live processes whose working directory is `dataDir`. */
  async list(dataDir: string): Promise<number[]> {
    const target = await realpath(dataDir).catch(() => undefined);
    if (target === undefined) return [];
    const entries = await readdir('/proc').catch(() => [] as string[]);
    const pids = entries.filter((name) => /^\d+$/.test(name)).map(Number);
    const found: number[] = [];
    for (const pid of pids) {
      // a process may vanish between readdir and readlink, or belong to a user we cannot inspect
      const cwd = await readlink(`/proc/${pid}/cwd`).catch(() => undefined);
      if (cwd === target) found.push(pid);
    }
    return found;
  },

  /** Whether `pid` is a running process (a zombie has released everything and counts as gone). */
  async isAlive(pid: number): Promise<boolean> {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
    if (stat === undefined) return isProcessAlive(pid);
    // "pid (comm) S …": comm may contain spaces and parentheses, the state follows the last ')'
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X' && state !== '';
  },

  /** Whether `pid` is stopped (SIGSTOP has taken effect, so no signal handler of it runs any more). */
  async isStopped(pid: number): Promise<boolean> {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
    if (stat === undefined) return false;
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state === 'T' || state === 't';
  },

  /** Sends `signal` to `pid`; false when there is no such process. */
  signal(pid: number, signal: NodeJS.Signals): boolean {
    try {
      process.kill(pid, signal);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
      throw err;
    }
  },

  /** Waits until `condition` holds, polling; false when `timeoutMs` passed first. */
  async waitFor(condition: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (await condition()) return true;
      if (Date.now() >= deadline) return false;
      await sleep(limits.embeddedPostgresPollIntervalMs);
    }
  },

  /** Waits until none of `pids` is alive; false when `timeoutMs` passed first. */
  async waitGone(pids: readonly number[], timeoutMs: number): Promise<boolean> {
    return clusterProcesses.waitFor(async () => {
      for (const pid of pids) if (await clusterProcesses.isAlive(pid)) return false;
      return true;
    }, timeoutMs);
  },
};
