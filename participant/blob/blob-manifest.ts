import { z } from 'zod';
import { limits } from '../../lib/limits/limits.js';

/**
 * What a prepared blob branch consists of: written to `staging/<txId>/MANIFEST.json` by
 * prepare (its presence is the yes vote on disk), moved to `committed/<txId>.json` by
 * commit. The file names are checked because commit builds paths from them.
 */
export const blobManifestSchema = z.object({
  version: z.literal(1),
  txId: z.string(),
  /** When prepare made the branch durable (Unix ms): the age of an in-doubt branch. */
  preparedAtMs: z.number().int().nonnegative(),
  objects: z
    .array(
      z.object({
        /** Name of the staged file inside `staging/<txId>/`. */
        file: z.string().regex(/^[0-9a-f]{32}\.data$/),
        sha256: z.string().regex(/^[0-9a-f]{64}$/),
        size: z.number().int().nonnegative(),
      }),
    )
    .max(limits.blobObjectsPerTxMax),
});

export type BlobManifest = z.infer<typeof blobManifestSchema>;
