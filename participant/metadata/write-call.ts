import pg from 'pg';
import { assert } from '../../lib/assert/assert.js';
import type { FileKey } from './file-key.js';

/**
 * The statement of one staged write (see twophase_write in the migrations): a new revision
 * with `content`, or a tombstone without. It answers one row, `revision` and `created`,
 * and fails with the SQLSTATEs of sqlState (preconditionFailed, noFileToDelete, a lock
 * timeout). It is sent in a simple-query string, without parameters, so every value is
 * validated by the caller and every string is escaped here.
 */
export function writeCall(
  txId: string,
  file: FileKey,
  content: { readonly sha256: string; readonly size: number; readonly contentType: string } | undefined,
  ifMatchRevision: number | undefined,
  ifNoneMatch: boolean,
): string {
  const args = [
    pg.escapeLiteral(file.namespace),
    pg.escapeLiteral(file.path),
    pg.escapeLiteral(txId),
    content === undefined ? 'NULL' : pg.escapeLiteral(content.sha256),
    content === undefined ? 'NULL' : sqlInteger(content.size),
    content === undefined ? 'NULL' : pg.escapeLiteral(content.contentType),
    ifMatchRevision === undefined ? 'NULL' : sqlInteger(ifMatchRevision),
    ifNoneMatch ? 'true' : 'false',
  ];
  return `SELECT revision, created FROM twophase_write(${args.join(', ')})`;
}

function sqlInteger(n: number): string {
  assert(Number.isSafeInteger(n) && n >= 0, `${n} was validated as a count before it is written into SQL`);
  return String(n);
}
