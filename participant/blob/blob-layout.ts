import path from 'node:path';
import { assert } from '../../lib/assert/assert.js';
import { isValidTxId } from '../../lib/tx-id/tx-id.js';
import { isSha256Hex } from './is-sha256-hex.js';

/**
 * Where everything lives under a blob store's data directory:
 *
 *     staging/<txId>/<random>.data       bytes of an open branch
 *     staging/<txId>/MANIFEST.json       present once the branch is prepared (its yes vote)
 *     objects/<aa>/<sha256>              published objects; the only thing reads see
 *     committed/<txId>.json              the manifest of a committed branch, kept for a while
 *
 * Every name comes from a validated tx id or digest; the asserts catch a caller that
 * skipped validation before it can build a path outside the directory.
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

  stagingDir(txId: string): string {
    assert(isValidTxId(txId), `tx id ${JSON.stringify(txId)} was validated before building a path`);
    return path.join(this.stagingRoot, txId);
  }

  stagedFile(txId: string, file: string): string {
    assert(!file.includes('/') && !file.startsWith('.'), `staged file name ${JSON.stringify(file)} stays inside the branch`);
    return path.join(this.stagingDir(txId), file);
  }

  manifest(txId: string): string {
    return path.join(this.stagingDir(txId), 'MANIFEST.json');
  }

  manifestTmp(txId: string): string {
    return path.join(this.stagingDir(txId), 'MANIFEST.json.tmp');
  }

  objectDir(sha256: string): string {
    assert(isSha256Hex(sha256), `digest ${JSON.stringify(sha256)} was validated before building a path`);
    return path.join(this.objectsRoot, sha256.slice(0, 2));
  }

  /** All 256 object directories, `objects/00` … `objects/ff`. */
  objectDirs(): string[] {
    return Array.from({ length: 256 }, (_, i) => path.join(this.objectsRoot, i.toString(16).padStart(2, '0')));
  }

  object(sha256: string): string {
    return path.join(this.objectDir(sha256), sha256);
  }

  committed(txId: string): string {
    assert(isValidTxId(txId), `tx id ${JSON.stringify(txId)} was validated before building a path`);
    return path.join(this.committedRoot, `${txId}.json`);
  }
}
