import { open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { isProcessAlive } from '../process-alive/is-process-alive.js';

/** Another live process holds the data directory. */
export class DirLockedError extends Error {
  override readonly name = 'DirLockedError';
  constructor(
    readonly dir: string,
    readonly holderPid: number,
  ) {
    super(`data directory ${dir} is in use by process ${holderPid}; two processes on one directory would corrupt it`);
  }
}

/**
 * Takes `dir/LOCK` for this process. A lock left by a process that no longer exists (a
 * kill -9) is taken over; one held by a live process is refused.
 */
export async function lockDir(dir: string): Promise<{ release(): Promise<void> }> {
  const path = join(dir, 'LOCK');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fh = await open(path, 'wx');
      await fh.writeFile(String(process.pid));
      await fh.close();
      return { release: () => unlink(path).catch(() => undefined) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isProcessAlive(holder)) throw new DirLockedError(dir, holder);
      await unlink(path).catch(() => undefined);
    }
  }
  throw new Error(`could not take the lock ${path}`);
}
