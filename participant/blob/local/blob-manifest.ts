import { z } from 'zod';
import { limits } from '../../../lib/limits/limits.js';

/**
 * What a prepared blob branch consists of: written into its marker `staging/<txId>.prepared`
 * by prepare (without fsync: the durable names of the staged files are what recovery
 * trusts), moved with it to `committed/<txId>.json` by commit, where it lets a repeated
 * Commit be checked against the published objects. The file names are checked because
 * paths are built from them.
 */
export const blobManifestSchema = z.object({
  version: z.literal(1),
  txId: z.string(),
  /** When prepare made the branch durable (Unix ms): the age of an in-doubt branch. */
  preparedAtMs: z.number().int().nonnegative(),
  objects: z
    .array(
      z.object({
        /** The staged file's id, `<32 hex>.data` (see BlobLayout.stagedObject). */
        file: z.string().regex(/^[0-9a-f]{32}\.data$/),
        sha256: z.string().regex(/^[0-9a-f]{64}$/),
        size: z.number().int().nonnegative(),
      }),
    )
    .max(limits.blobObjectsPerTxMax),
});

export type BlobManifest = z.infer<typeof blobManifestSchema>;

/** The version this code writes. */
export const blobManifestVersion = 1;
