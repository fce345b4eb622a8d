import type { FileSystem } from '../../../lib/fs/file-system.js';
import { BranchNotCommittedError } from '../../participant-errors.js';
import { isMissing, statOrUndefined } from './blob-fs-errors.js';
import type { BlobLayout, StagedObjectName } from './blob-layout.js';

/**
 * Publishes a staged object by a second name in `objects/` (identical content already there
 * is kept). Not fsynced: the staged name stays until the link is durable. A staged object
 * that is gone and was never published is `BranchNotCommittedError`.
 */
export async function linkObject(fs: FileSystem, layout: BlobLayout, participantId: string, txId: string, object: StagedObjectName): Promise<void> {
  const staged = layout.stagedObject(txId, object);
  const target = layout.object(object.sha256);
  try {
    fs.linkSync(staged, target);
    return;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EEXIST' && !isMissing(err)) throw err;
  }
  // already there: deduplicated, or linked by an earlier attempt of this commit
  if ((await statOrUndefined(fs, target))?.size === object.size) return;
  throw new BranchNotCommittedError(txId, participantId, `staged object ${object.file} (${object.sha256}) is gone and was never published`);
}
