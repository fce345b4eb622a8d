/** One step of the schema; applied once, in its own transaction, in version order. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/**
 * The metadata schema, as migrations. Never edit a released migration: add one.
 *
 * Paths and namespaces use the "C" collation: byte order is the same on every server
 * whatever its locale, and a btree over it serves `LIKE 'prefix%'` and keyset
 * pagination (`path > $after ORDER BY path`) directly.
 */
export const metadataMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'files, revisions and tx markers',
    sql: `
      -- one row per path ever written: the revision a read shows, and the row a writer locks
      CREATE TABLE files (
        namespace text COLLATE "C" NOT NULL,
        path text COLLATE "C" NOT NULL,
        -- 0 only inside the tx that creates the row (it is never committed as 0)
        current_revision bigint NOT NULL CHECK (current_revision >= 0),
        deleted boolean NOT NULL,
        PRIMARY KEY (namespace, path)
      );
      -- ListFiles walks the live files of a namespace in path order, skipping deleted ones
      CREATE INDEX files_live_by_path ON files (namespace, path) WHERE NOT deleted;

      CREATE TABLE revisions (
        namespace text COLLATE "C" NOT NULL,
        path text COLLATE "C" NOT NULL,
        revision bigint NOT NULL CHECK (revision >= 1),
        sha256 text CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        size bigint NOT NULL CHECK (size >= 0),
        content_type text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        tx_id text NOT NULL,
        deleted boolean NOT NULL,
        PRIMARY KEY (namespace, path, revision),
        -- a tombstone has no content; every other revision has
        CHECK (deleted = (sha256 IS NULL)),
        FOREIGN KEY (namespace, path) REFERENCES files (namespace, path)
      );

      -- written inside each prepared branch: a row here means that branch committed, which
      -- is how a Commit for a branch PostgreSQL no longer has is verified
      CREATE TABLE tx_markers (
        tx_id text NOT NULL,
        participant_id text NOT NULL,
        prepared_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        -- with the participant: two metadata participants may share one database
        PRIMARY KEY (tx_id, participant_id)
      );
      CREATE INDEX tx_markers_by_prepared_at ON tx_markers (prepared_at);
    `,
  },
];
