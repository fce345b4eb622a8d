import type { FileStats, FileSystem } from '../../../lib/fs/file-system.js';

/** The name is not there (or a parent of it is not a directory). */
export function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** The disk or the quota is full. */
export function isDiskFull(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

/** The stats of `file`, or undefined when it is not there. */
export async function statOrUndefined(fs: FileSystem, file: string): Promise<FileStats | undefined> {
  try {
    return await fs.stat(file);
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
}
