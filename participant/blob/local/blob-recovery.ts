import path from 'node:path';
import { assertNever } from '../../../lib/assert/assert.js';
import type { FileSystem } from '../../../lib/fs/file-system.js';
import type { Logger } from '../../../lib/logger/logger.js';
import type { RecoveryResult } from '../../resource-manager.js';
import { isMissing, statOrUndefined } from './blob-fs-errors.js';
import type { BlobDurability } from './blob-durability.js';
import { BlobLayout, type StagedObjectName } from './blob-layout.js';
import { type BlobManifest, blobManifestVersion } from './blob-manifest.js';
import { readManifestFile, readManifestLenient, readManifestLenientSync } from './blob-manifest-file.js';
import { linkObject } from './link-object.js';

export interface BlobRecoveryContext {
  readonly fs: FileSystem;
  readonly layout: BlobLayout;
  readonly durability: BlobDurability;
  readonly participantId: string;
  readonly logger: Logger;
}

/**
 * What recovery of a blob data dir found: the prepared branches (in doubt, each with the
 * manifest commit will publish) and what it cleared away.
 */
export interface BlobRecovery {
  readonly prepared: ReadonlyMap<string, BlobManifest>;
  readonly result: RecoveryResult;
}

/**
 * Brings a blob data dir to a state the store can serve from, whatever a crash left:
 * creates the layout, durably; migrates branches of the earlier layout; finishes commits
 * whose record is in `committed/` (links their staged objects again, then removes the
 * staged names once the links are durable); deletes unprepared leftovers (the coordinator
 * presumes them aborted); and lists every prepared branch, from the durable names alone.
 */
export async function recoverBlobDir(ctx: BlobRecoveryContext): Promise<BlobRecovery> {
  const { fs, layout, durability, logger } = ctx;
  for (const dir of [layout.stagingRoot, layout.objectsRoot, layout.committedRoot]) {
    await fs.mkdir(dir, { recursive: true });
  }
  // every start: a killed earlier start may have created them and never synced their names
  for (let dir = layout.root; ; dir = path.dirname(dir)) {
    await durability.syncDir(dir, 'blob.dirs.recover');
    if (path.dirname(dir) === dir) break;
  }
  await checkHardLinks(fs, layout);
  // every object directory exists from here on, durably, so no commit creates or syncs one;
  // synced on every start, not only when this one created them: an earlier start killed
  // between the mkdirs and the sync left names that a power loss takes with every object
  const present = new Set(await fs.readdir(layout.objectsRoot));
  for (const dir of layout.objectDirs()) if (!present.has(path.basename(dir))) await fs.mkdir(dir, { recursive: true });
  await durability.syncDir(layout.objectsRoot, 'blob.objects-root.recover');

  await migrateLegacyStaging(ctx);
  const found = new Map<string, { marker: boolean; objects: StagedObjectName[]; leftovers: string[] }>();
  const of = (txId: string) => {
    let tx = found.get(txId);
    if (tx === undefined) found.set(txId, (tx = { marker: false, objects: [], leftovers: [] }));
    return tx;
  };
  for await (const entry of await fs.opendir(layout.stagingRoot)) {
    const parsed = BlobLayout.parseStagingEntry(entry.name, entry.isDirectory());
    const file = path.join(layout.stagingRoot, entry.name);
    switch (parsed.kind) {
      case 'object':
        of(parsed.txId).objects.push(parsed.object);
        break;
      case 'prepared':
        of(parsed.txId).marker = true;
        break;
      case 'receiving':
        of(parsed.txId).leftovers.push(file);
        break;
      case 'legacy-dir':
      case 'unknown':
        // another version's, or an operator's: not ours to delete
        logger.warn({ file }, 'left alone an entry of staging/ that this version does not write');
        break;
      default:
        assertNever(parsed);
    }
  }

  // A record seen now may be one a killed commit never fsynced: durable before anything
  // it vouches for (a marker, a staged name) is removed.
  await durability.syncDir(layout.committedRoot, 'blob.committed-dir.recover');
  const prepared = new Map<string, BlobManifest>();
  const committedNames: string[] = [];
  /** The object directories holding a link made (again) here: synced before the staged names go. */
  const linkedDirs = new Set<string>();
  let abortedLeftovers = 0;
  let finishedCommits = 0;
  for (const [txId, tx] of found) {
    for (const leftover of tx.leftovers) await fs.rm(leftover, { force: true });
    // synchronous: one metadata lookup per recovered tx, no thread-pool round trip each
    const record = fs.statSync(layout.committed(txId), { throwIfNoEntry: false });
    if (record !== undefined) {
      // committed: a staged name left is a link not yet retired, or one a crash undid
      for (const object of tx.objects) {
        await linkObject(fs, layout, ctx.participantId, txId, object);
        linkedDirs.add(layout.objectDir(object.sha256));
        committedNames.push(layout.stagedObject(txId, object));
      }
      if (tx.marker) committedNames.push(layout.prepared(txId));
      finishedCommits++;
      continue;
    }
    if (tx.marker) {
      // synchronous, as the lookups above: nothing is served until recovery ends, and a read
      // through the thread pool is four round trips (open, stat, read, close) per branch
      const written = readManifestLenientSync(fs, layout.prepared(txId), txId);
      const preparedAtMs = written?.preparedAtMs ?? Math.trunc((await fs.stat(layout.prepared(txId))).mtimeMs);
      checkPreparedObjects(ctx, txId, tx.objects, written);
      prepared.set(txId, { version: blobManifestVersion, txId, preparedAtMs, objects: tx.objects });
      continue;
    }
    for (const object of tx.objects) await fs.rm(layout.stagedObject(txId, object), { force: true });
    abortedLeftovers++;
    logger.info({ txId }, 'aborted unprepared staged work left from before the restart');
  }
  // the links durable first, then the names they replace may go
  await Promise.all([...linkedDirs].map((dir) => durability.syncDir(dir, 'blob.object-dir.recover')));
  // Not synced: a removal that a power loss undoes is made again by the next recovery (a
  // leftover is aborted again, a committed branch's name linked again from its record), and
  // the sweep fsyncs staging/ before the record that vouches for a name goes.
  for (const name of committedNames) await fs.rm(name, { force: true });
  logger.info({ prepared: prepared.size, abortedLeftovers, finishedCommits }, 'blob store recovered');
  return {
    prepared,
    result: { prepared: [...prepared.values()].map(({ txId, preparedAtMs }) => ({ txId, preparedAtMs })), abortedLeftovers },
  };
}

/**
 * A recovered prepared branch's objects, from the durable names, against the manifest
 * its marker holds (read once; not fsynced, so it may be missing; its preparedAtMs falls
 * back to the marker's mtime): an object the manifest lists that is neither staged nor
 * published was lost outside the protocol, and is logged loudly.
 */
function checkPreparedObjects(ctx: BlobRecoveryContext, txId: string, staged: readonly StagedObjectName[], manifest: BlobManifest | undefined): void {
  for (const object of manifest?.objects ?? []) {
    if (staged.some((o) => o.file === object.file)) continue;
    if (ctx.fs.statSync(ctx.layout.object(object.sha256), { throwIfNoEntry: false })?.size === object.size) continue;
    ctx.logger.error({ txId, object }, 'a prepared branch lost a staged object its manifest lists');
  }
}

/** Commit publishes by hard link: a file system without them is refused at start, not at the first commit. */
async function checkHardLinks(fs: FileSystem, layout: BlobLayout): Promise<void> {
  const probe = path.join(layout.root, '.link-probe');
  await fs.rm(probe, { force: true });
  await fs.rm(`${probe}.2`, { force: true });
  await fs.writeFile(probe, '');
  try {
    await fs.link(probe, `${probe}.2`);
  } catch (err) {
    throw new Error(
      `the blob data dir ${layout.root} does not support hard links (${(err as NodeJS.ErrnoException).code ?? String(err)}), which commit needs: put it on a local ext4, xfs or btrfs`,
      { cause: err },
    );
  } finally {
    await fs.rm(probe, { force: true });
    await fs.rm(`${probe}.2`, { force: true });
  }
}

/**
 * Moves the branches of the earlier layout (`staging/<txId>/` with `MANIFEST.json` once
 * prepared) into the flat one, restartably: each file is linked to its flat name, then
 * the marker is written and fsynced with the directory, then the old directory goes.
 * Without a manifest the directory is unprepared work and is deleted; beside a commit
 * record it is a commit that had not finished, and its objects are published.
 */
async function migrateLegacyStaging(ctx: BlobRecoveryContext): Promise<void> {
  const { fs, layout, durability, logger } = ctx;
  for await (const entry of await fs.opendir(layout.stagingRoot)) {
    const parsed = BlobLayout.parseStagingEntry(entry.name, entry.isDirectory());
    if (parsed.kind !== 'legacy-dir') continue;
    const { txId } = parsed;
    const dir = layout.legacyStagingDir(txId);
    const manifest =
      (await readManifestFile(fs, path.join(dir, 'MANIFEST.json'), txId)) ?? (await readManifestLenient(fs, layout.committed(txId), txId));
    if (manifest !== undefined) {
      for (const object of manifest.objects) {
        try {
          // a new name first; the old directory goes once staging/ is fsynced
          await fs.link(path.join(dir, object.file), layout.stagedObject(txId, object));
        } catch (err) {
          // linked by an earlier, interrupted migration (or published and gone)
          if ((err as NodeJS.ErrnoException).code !== 'EEXIST' && !isMissing(err)) throw err;
        }
      }
      const committed = (await statOrUndefined(fs, layout.committed(txId))) !== undefined;
      if (!committed) await fs.writeFile(layout.prepared(txId), JSON.stringify(manifest));
      await durability.syncDir(layout.stagingRoot, 'blob.staging-dir.migrate');
      logger.info({ txId, committed }, 'moved a branch of the earlier staging layout to the flat one');
    }
    await fs.rm(dir, { recursive: true, force: true });
  }
}
