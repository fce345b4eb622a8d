import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

/**
 * The disk's raw rate for one large file: `bytes` written to a new file in `dir` as
 * `chunk` after `chunk`, then one fdatasync, timed from the open to the sync's return.
 * What a large upload is held against: the same bytes, nothing but the writes. The file is
 * removed after.
 */
export async function measureDiskWriteRate(dir: string, bytes: number, chunk: Uint8Array): Promise<{ seconds: number; mbPerS: number }> {
  const path = join(dir, 'disk-rate-probe');
  const t0 = performance.now();
  const file = await open(path, 'w');
  try {
    for (let written = 0; written < bytes; ) {
      const { bytesWritten } = await file.write(chunk, 0, Math.min(chunk.byteLength, bytes - written), null);
      if (bytesWritten === 0) throw new Error(`a write into ${path} wrote none`);
      written += bytesWritten;
    }
    await file.datasync();
  } finally {
    await file.close();
  }
  const seconds = (performance.now() - t0) / 1000;
  await rm(path, { force: true });
  return { seconds, mbPerS: bytes / 1e6 / seconds };
}
