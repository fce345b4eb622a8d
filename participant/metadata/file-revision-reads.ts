import { NotFoundError } from '../participant-errors.js';
import type { MetadataConnections } from './metadata-connections.js';
import { metadataInput } from './metadata-input.js';
import type { FileRevisionRecord, MetadataStore, Page } from './metadata-store.js';
import { pageToken } from './page-token.js';

export interface RevisionRow {
  readonly namespace: string;
  readonly path: string;
  readonly revision: string;
  readonly sha256: string | null;
  readonly size: string;
  readonly content_type: string;
  readonly created_at: Date;
  readonly tx_id: string;
  readonly deleted: boolean;
}

export const revisionColumns = 'r.namespace, r.path, r.revision, r.sha256, r.size, r.content_type, r.created_at, r.tx_id, r.deleted';

/**
 * The committed reads of the MetadataStore (see there for each one's contract): plain
 * statements on the shared pool, outside any branch. Under MVCC they see committed rows
 * only, and a prepared transaction's rows stay invisible to them until COMMIT PREPARED.
 * Input is validated first (InvalidInputError); listings are keyset-paginated with
 * opaque page tokens; PostgreSQL being out of reach is MetadataUnavailableError.
 */
export class FileRevisionReads implements Pick<MetadataStore, 'getFile' | 'listRevisions' | 'listFiles' | 'getTransactionRevision'> {
  constructor(private readonly connections: MetadataConnections) {}

  async getFile(namespace: string, path: string, revision?: number): Promise<FileRevisionRecord> {
    const file = { namespace: metadataInput.namespace(namespace), path: metadataInput.path(path) };
    const wanted = revision === undefined || revision === 0 ? undefined : metadataInput.count('revision', revision);
    const { rows } =
      wanted === undefined
        ? await this.connections.query<RevisionRow>(
            `SELECT ${revisionColumns} FROM files f
             JOIN revisions r ON r.namespace = f.namespace AND r.path = f.path AND r.revision = f.current_revision
             WHERE f.namespace = $1 AND f.path = $2 AND NOT f.deleted`,
            [file.namespace, file.path],
          )
        : await this.connections.query<RevisionRow>(`SELECT ${revisionColumns} FROM revisions r WHERE r.namespace = $1 AND r.path = $2 AND r.revision = $3`, [
            file.namespace,
            file.path,
            wanted,
          ]);
    const row = rows[0];
    if (row === undefined) throw new NotFoundError(`no file ${file.namespace}/${file.path}${wanted === undefined ? '' : ` at revision ${wanted}`}`);
    if (row.deleted) throw new NotFoundError(`revision ${row.revision} of ${file.namespace}/${file.path} is a deletion`);
    return toRecord(row);
  }

  async getTransactionRevision(txId: string): Promise<FileRevisionRecord> {
    const tx = metadataInput.txId(txId);
    const { rows } = await this.connections.query<RevisionRow>(`SELECT ${revisionColumns} FROM revisions r WHERE r.tx_id = $1 ORDER BY r.namespace, r.path, r.revision LIMIT 1`, [tx]);
    const row = rows[0];
    if (row === undefined) throw new NotFoundError(`transaction ${tx} wrote no committed revision`);
    return toRecord(row);
  }

  async listRevisions(namespace: string, path: string, pageSize: number, token: string): Promise<Page<FileRevisionRecord>> {
    const file = { namespace: metadataInput.namespace(namespace), path: metadataInput.path(path) };
    const size = metadataInput.pageSize(pageSize);
    const before = token === '' ? undefined : pageToken.decode(token, 'revisions').beforeRevision;
    // one row more than asked tells whether another page follows
    const { rows } = await this.connections.query<RevisionRow>(
      `SELECT ${revisionColumns} FROM revisions r
       WHERE r.namespace = $1 AND r.path = $2 AND ($3::bigint IS NULL OR r.revision < $3)
       ORDER BY r.revision DESC LIMIT $4`,
      [file.namespace, file.path, before ?? null, size + 1],
    );
    const items = rows.slice(0, size).map(toRecord);
    const last = items.at(-1);
    const more = rows.length > size && last !== undefined;
    return { items, nextPageToken: more ? pageToken.encode({ kind: 'revisions', beforeRevision: last.revision }) : '' };
  }

  async listFiles(namespace: string, prefix: string, pageSize: number, token: string): Promise<Page<FileRevisionRecord>> {
    const ns = metadataInput.namespace(namespace);
    const validPrefix = metadataInput.prefix(prefix);
    const size = metadataInput.pageSize(pageSize);
    const after = token === '' ? '' : pageToken.decode(token, 'files').afterPath;
    const { rows } = await this.connections.query<RevisionRow>(
      `SELECT ${revisionColumns} FROM files f
       JOIN revisions r ON r.namespace = f.namespace AND r.path = f.path AND r.revision = f.current_revision
       WHERE f.namespace = $1 AND NOT f.deleted AND f.path LIKE $2 AND f.path > $3
       ORDER BY f.path LIMIT $4`,
      [ns, `${validPrefix.replace(/[\\%_]/g, '\\$&')}%`, after, size + 1],
    );
    const items = rows.slice(0, size).map(toRecord);
    const last = items.at(-1);
    const more = rows.length > size && last !== undefined;
    return { items, nextPageToken: more ? pageToken.encode({ kind: 'files', afterPath: last.path }) : '' };
  }
}

export function toRecord(row: RevisionRow): FileRevisionRecord {
  return {
    namespace: row.namespace,
    path: row.path,
    revision: Number(row.revision),
    sha256: row.sha256 ?? '',
    size: Number(row.size),
    contentType: row.content_type,
    createdAtMs: row.created_at.getTime(),
    txId: row.tx_id,
    deleted: row.deleted,
  };
}
