import { createHash } from 'node:crypto';
import { assert } from '../../../lib/assert/assert.js';
import type { FileSystem, FileSystemHandle } from '../../../lib/fs/file-system.js';
import { ChecksumMismatchError, LimitExceededError } from '../../participant-errors.js';
import { isDiskFull } from './blob-fs-errors.js';
import type { BlobDurability } from './blob-durability.js';
import type { PutExpectation, PutResult } from '../blob-store.js';

/**
 * Streams `source` into the new file `file`, in constant memory, hashing as it goes, and
 * fdatasyncs it: the bytes are durable when this resolves, while the rest of the tx goes
 * on, so that prepare only has names to make durable. Fails as soon as the bytes cannot be
 * the expected ones (`ChecksumMismatchError`) or pass `objectBytesMax`, or the disk is full
 * (`LimitExceededError`); the caller removes the file.
 */
export async function receiveObject(
  fs: FileSystem,
  durability: BlobDurability,
  txId: string,
  file: string,
  source: AsyncIterable<Uint8Array>,
  expected: PutExpectation,
  objectBytesMax: number,
): Promise<PutResult> {
  const hash = createHash('sha256');
  let size = 0;
  const handle = await fs.open(file, 'wx');
  try {
    for await (const chunk of source) {
      size += chunk.byteLength;
      if (size > objectBytesMax) throw new LimitExceededError(`object is over the limit of ${objectBytesMax} bytes`, { scope: 'request' });
      // fail as soon as the size is wrong: the rest of the stream cannot fix it
      if (expected.size !== undefined && size > expected.size) {
        throw new ChecksumMismatchError(txId, `received more than the expected ${expected.size} bytes`);
      }
      hash.update(chunk);
      await writeAll(handle, chunk);
    }
    await durability.datasync(handle, file, 'blob.staged.fdatasync');
  } catch (err) {
    if (isDiskFull(err)) throw new LimitExceededError('no space left on the blob store disk', { cause: err });
    throw err;
  } finally {
    await handle.close();
  }
  const sha256 = hash.digest('hex');
  if (expected.size !== undefined && size !== expected.size) {
    throw new ChecksumMismatchError(txId, `received ${size} bytes, expected ${expected.size}`);
  }
  if (expected.sha256 !== undefined && sha256 !== expected.sha256) {
    throw new ChecksumMismatchError(txId, `received bytes have sha256 ${sha256}, expected ${expected.sha256}`);
  }
  return { sha256, size };
}

async function writeAll(handle: FileSystemHandle, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.byteLength) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.byteLength - offset);
    assert(bytesWritten > 0, 'a write to a regular file makes progress');
    offset += bytesWritten;
  }
}
