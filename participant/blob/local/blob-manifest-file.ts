import type { FileSystem } from '../../../lib/fs/file-system.js';
import { isMissing } from './blob-fs-errors.js';
import { type BlobManifest, blobManifestSchema } from './blob-manifest.js';
import { ManifestCorruptError } from './manifest-corrupt-error.js';

/** The manifest of `txId` in `file`; undefined when the file is missing, `ManifestCorruptError` when it is not one. */
export async function readManifestFile(fs: FileSystem, file: string, txId: string): Promise<BlobManifest | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
  return parseManifest(text, file, txId);
}

/** A manifest written without fsync: undefined when missing, empty, torn or not this tx's. */
export async function readManifestLenient(fs: FileSystem, file: string, txId: string): Promise<BlobManifest | undefined> {
  try {
    return await readManifestFile(fs, file, txId);
  } catch (err) {
    if (err instanceof ManifestCorruptError) return undefined;
    throw err;
  }
}

/** `readManifestLenient`, read synchronously (FileSystem.readFileSync): for recovery, which reads one per prepared branch. */
export function readManifestLenientSync(fs: FileSystem, file: string, txId: string): BlobManifest | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
  try {
    return parseManifest(text, file, txId);
  } catch (err) {
    if (err instanceof ManifestCorruptError) return undefined;
    throw err;
  }
}

function parseManifest(text: string, file: string, txId: string): BlobManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ManifestCorruptError(file, 'not JSON', { cause: err });
  }
  const parsed = blobManifestSchema.safeParse(json);
  if (!parsed.success) throw new ManifestCorruptError(file, parsed.error.message);
  if (parsed.data.txId !== txId) throw new ManifestCorruptError(file, `names tx ${parsed.data.txId}`);
  return parsed.data;
}
