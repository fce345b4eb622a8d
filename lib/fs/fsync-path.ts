import { open } from 'node:fs/promises';

/** fsyncs a file or a directory by its path (a directory: the names in it become durable). */
export async function fsyncPath(target: string): Promise<void> {
  const handle = await open(target, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
