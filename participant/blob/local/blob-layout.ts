import path from 'node:path';
import { assert } from '../../../lib/assert/assert.js';
import { isValidTxId } from '../../../lib/tx-id/tx-id.js';
import { isSha256Hex } from '../is-sha256-hex.js';

/** A staged object's identity inside its branch: the random part of its names, its size and digest. */
export interface StagedObjectName {
  /** `<32 hex>.data`, as the manifest names it. */
  readonly file: string;
  readonly size: number;
  readonly sha256: string;
}

/** What one entry of `staging/` is, told from its name alone. */
export type StagingEntry =
  | { readonly kind: 'receiving'; readonly txId: string }
  | { readonly kind: 'object'; readonly txId: string; readonly object: StagedObjectName }
  | { readonly kind: 'prepared'; readonly txId: string }
  /** A branch directory of the earlier layout (`staging/<txId>/`), migrated at recovery. */
  | { readonly kind: 'legacy-dir'; readonly txId: string }
  | { readonly kind: 'unknown' };

const objectName = /^([A-Za-z0-9_-]+)\.([0-9a-f]{32})\.(\d{1,16})\.([0-9a-f]{64})\.data$/;
const receivingName = /^([A-Za-z0-9_-]+)\.([0-9a-f]{32})\.partial$/;
const preparedName = /^([A-Za-z0-9_-]+)\.prepared$/;

/**
 * Where everything lives under a blob store's data directory:
 *
 *     staging/<txId>.<id>.partial                   bytes of a Put still arriving
 *     staging/<txId>.<id>.<size>.<sha256>.data      a received object, durable (its name says what it is)
 *     staging/<txId>.prepared                       the branch is prepared: its yes vote
 *     objects/<aa>/<sha256>                         published objects; the only thing reads see
 *     committed/<txId>.json                         a committed branch's record (the marker, moved), kept for a while
 *
 * Staging is one flat directory, so the directory fsync that makes an object's name and a
 * marker durable is shared by every tx preparing at the same time. Every name comes from a
 * validated tx id or digest; the asserts catch a caller that skipped validation before it
 * can build a path outside the directory.
 */
export class BlobLayout {
  readonly root: string;
  readonly stagingRoot: string;
  readonly objectsRoot: string;
  readonly committedRoot: string;

  constructor(dataDir: string) {
    this.root = path.resolve(dataDir);
    this.stagingRoot = path.join(this.root, 'staging');
    this.objectsRoot = path.join(this.root, 'objects');
    this.committedRoot = path.join(this.root, 'committed');
  }

  /** Where a Put writes its bytes while they arrive. */
  receiving(txId: string, file: string): string {
    return path.join(this.stagingRoot, `${checkedTxId(txId)}.${idOf(file)}.partial`);
  }

  /** A received object, named by its size and digest once they are known. */
  stagedObject(txId: string, object: StagedObjectName): string {
    assert(Number.isSafeInteger(object.size) && object.size >= 0, `size ${object.size} is a byte count`);
    assert(isSha256Hex(object.sha256), `digest ${JSON.stringify(object.sha256)} was validated before building a path`);
    return path.join(this.stagingRoot, `${checkedTxId(txId)}.${idOf(object.file)}.${object.size}.${object.sha256}.data`);
  }

  /** The prepared marker of a branch (its content, the manifest, is written without fsync: see LocalBlobStore.prepare). */
  prepared(txId: string): string {
    return path.join(this.stagingRoot, `${checkedTxId(txId)}.prepared`);
  }

  /** A branch directory of the earlier layout: `staging/<txId>/` with `MANIFEST.json` once prepared. */
  legacyStagingDir(txId: string): string {
    return path.join(this.stagingRoot, checkedTxId(txId));
  }

  objectDir(sha256: string): string {
    assert(isSha256Hex(sha256), `digest ${JSON.stringify(sha256)} was validated before building a path`);
    return this.objectDirs()[Number.parseInt(sha256.slice(0, 2), 16)]!;
  }

  /** All 256 object directories, `objects/00` … `objects/ff`. */
  objectDirs(): readonly string[] {
    return (this.allObjectDirs ??= objectDirsOf(this.objectsRoot));
  }

  private allObjectDirs: readonly string[] | undefined;

  object(sha256: string): string {
    return path.join(this.objectDir(sha256), sha256);
  }

  committed(txId: string): string {
    return path.join(this.committedRoot, `${checkedTxId(txId)}.json`);
  }

  /** What an entry of `staging/` is; `isDirectory` from its dirent. */
  static parseStagingEntry(name: string, isDirectory: boolean): StagingEntry {
    if (isDirectory) return isValidTxId(name) ? { kind: 'legacy-dir', txId: name } : { kind: 'unknown' };
    const object = objectName.exec(name);
    if (object !== null) {
      const [, txId = '', id = '', size = '', sha256 = ''] = object;
      if (isValidTxId(txId) && Number.isSafeInteger(Number(size))) {
        return { kind: 'object', txId, object: { file: `${id}.data`, size: Number(size), sha256 } };
      }
    }
    const receiving = receivingName.exec(name);
    if (receiving?.[1] !== undefined && isValidTxId(receiving[1])) return { kind: 'receiving', txId: receiving[1] };
    const prepared = preparedName.exec(name);
    if (prepared?.[1] !== undefined && isValidTxId(prepared[1])) return { kind: 'prepared', txId: prepared[1] };
    return { kind: 'unknown' };
  }
}

function checkedTxId(txId: string): string {
  assert(isValidTxId(txId), `tx id ${JSON.stringify(txId)} was validated before building a path`);
  return txId;
}

function idOf(file: string): string {
  const id = /^([0-9a-f]{32})\.data$/.exec(file)?.[1];
  assert(id !== undefined, `staged file name ${JSON.stringify(file)} is <32 hex>.data`);
  return id;
}

/** The 256 object directories under each objects/ root seen, built once per root (a store restarts on the same one). */
const objectDirsByRoot = new Map<string, readonly string[]>();

function objectDirsOf(objectsRoot: string): readonly string[] {
  let dirs = objectDirsByRoot.get(objectsRoot);
  if (dirs === undefined) {
    dirs = Array.from({ length: 256 }, (_, i) => path.join(objectsRoot, i.toString(16).padStart(2, '0')));
    if (objectDirsByRoot.size >= 64) objectDirsByRoot.clear();
    objectDirsByRoot.set(objectsRoot, dirs);
  }
  return dirs;
}
