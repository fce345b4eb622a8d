import { Readable } from 'node:stream';
import type { FileSystem, FileSystemHandle } from '../../../lib/fs/file-system.js';
import { limits } from '../../../lib/limits/limits.js';
import { InvalidInputError, NotFoundError } from '../../participant-errors.js';
import { isMissing, statOrUndefined } from './blob-fs-errors.js';
import type { BlobLayout } from './blob-layout.js';
import type { BlobRead, ByteRange } from '../blob-store.js';
import { isSha256Hex } from '../is-sha256-hex.js';
import { RangeNotSatisfiableError } from '../range-not-satisfiable-error.js';

/** Reads of published objects (`objects/<aa>/<sha256>`): the only names a read ever sees. */
export class BlobReads {
  constructor(
    private readonly fs: FileSystem,
    private readonly layout: BlobLayout,
  ) {}

  /** See BlobStore.stat. */
  async stat(sha256: string): Promise<{ readonly size: number }> {
    checkSha256(sha256);
    const found = await statOrUndefined(this.fs, this.layout.object(sha256));
    if (found === undefined) throw new NotFoundError(`object ${sha256} not found`);
    return { size: found.size };
  }

  /** See BlobStore.get. The stream holds an open file until it ends or is destroyed. */
  async get(sha256: string, range: ByteRange = {}): Promise<BlobRead> {
    checkSha256(sha256);
    const offset = range.offset ?? 0;
    if (!Number.isSafeInteger(offset) || offset < 0) throw new InvalidInputError('offset', `${offset} is not a byte offset`);
    if (range.length !== undefined && (!Number.isSafeInteger(range.length) || range.length < 0)) {
      throw new InvalidInputError('length', `${range.length} is not a byte count`);
    }
    let handle: FileSystemHandle;
    try {
      handle = await this.fs.open(this.layout.object(sha256), 'r');
    } catch (err) {
      if (isMissing(err)) throw new NotFoundError(`object ${sha256} not found`);
      throw err;
    }
    try {
      const { size } = await handle.stat();
      const length = range.length ?? Math.max(0, size - offset);
      if (offset > size || offset + length > size) throw new RangeNotSatisfiableError(sha256, offset, length, size);
      if (length === 0) {
        await handle.close();
        return { objectSize: size, offset, length, chunks: Readable.from([]) };
      }
      const chunks = readStream(handle, offset, length, limits.blobGetChunkBytesMax);
      return { objectSize: size, offset, length, chunks };
    } catch (err) {
      await handle.close();
      throw err;
    }
  }
}

function checkSha256(sha256: string): void {
  if (!isSha256Hex(sha256)) throw new InvalidInputError('sha256', `${JSON.stringify(sha256.slice(0, 80))} is not 64 lower-case hex digits`);
}

/**
 * Bytes `[start, start + length)` of an open file, read in chunks of `chunkBytesMax` as they
 * are consumed. The stream owns the handle: it closes it when it ends or is destroyed. A
 * file found shorter than `length` ends the stream early.
 */
function readStream(handle: FileSystemHandle, start: number, length: number, chunkBytesMax: number): Readable {
  let position = start;
  const end = start + length;
  return new Readable({
    highWaterMark: chunkBytesMax,
    read() {
      const want = Math.min(chunkBytesMax, end - position);
      if (want === 0) {
        this.push(null);
        return;
      }
      const chunk = Buffer.allocUnsafe(want);
      handle.read(chunk, 0, want, position).then(
        ({ bytesRead }) => {
          if (bytesRead === 0) {
            this.push(null);
            return;
          }
          position += bytesRead;
          this.push(bytesRead === want ? chunk : chunk.subarray(0, bytesRead));
        },
        (err: unknown) => this.destroy(err as Error),
      );
    },
    destroy(err, callback) {
      handle.close().then(
        () => callback(err),
        (closeErr: unknown) => callback(err ?? (closeErr as Error)),
      );
    },
  });
}
