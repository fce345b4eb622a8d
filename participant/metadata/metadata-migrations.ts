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
  {
    version: 2,
    name: 'twophase_write: one round trip per staged write',
    sql: `
      -- One staged write (a new revision, or a tombstone when p_sha256 is NULL) of the
      -- caller's transaction: creates and locks the file's row, checks If-Match /
      -- If-None-Match against the locked row, inserts the revision and moves the file to it.
      -- A failed check raises (the caller's savepoint undoes the write alone):
      --   TP412 precondition failed (DETAIL: the current revision), TP404 no live file to delete.
      CREATE FUNCTION twophase_write(
        p_namespace text, p_path text, p_tx_id text,
        p_sha256 text, p_size bigint, p_content_type text,
        p_if_match bigint, p_if_none_match boolean
      ) RETURNS TABLE (revision bigint, created boolean)
      LANGUAGE plpgsql AS $fn$
      DECLARE
        cur_rev bigint;
        was_deleted boolean;
        live boolean;
        next_rev bigint;
      BEGIN
        IF p_sha256 IS NOT NULL THEN
          -- the row must exist to be locked: a new path gets one, which this write then fills
          -- (and a rolled-back write takes with it); DO UPDATE locks an existing row, waiting
          -- for a concurrent writer (or creator) of the path first
          INSERT INTO files AS f (namespace, path, current_revision, deleted) VALUES (p_namespace, p_path, 0, true)
            ON CONFLICT (namespace, path) DO UPDATE SET current_revision = f.current_revision
            RETURNING f.current_revision, f.deleted INTO cur_rev, was_deleted;
        ELSE
          SELECT f.current_revision, f.deleted INTO cur_rev, was_deleted
            FROM files f WHERE f.namespace = p_namespace AND f.path = p_path FOR UPDATE;
          IF NOT FOUND THEN
            RAISE EXCEPTION USING ERRCODE = 'TP404', MESSAGE = 'no file to delete';
          END IF;
        END IF;
        live := cur_rev > 0 AND NOT was_deleted;
        IF p_sha256 IS NULL AND NOT live THEN
          RAISE EXCEPTION USING ERRCODE = 'TP404', MESSAGE = 'no file to delete';
        END IF;
        IF p_if_match IS NOT NULL AND NOT (live AND cur_rev = p_if_match) THEN
          RAISE EXCEPTION USING ERRCODE = 'TP412', DETAIL = cur_rev::text,
            MESSAGE = CASE WHEN live THEN 'If-Match revision ' || p_if_match || ' is not the current revision'
                           ELSE 'If-Match revision ' || p_if_match || ': the file does not exist' END;
        END IF;
        IF p_if_none_match AND live THEN
          RAISE EXCEPTION USING ERRCODE = 'TP412', DETAIL = cur_rev::text, MESSAGE = 'If-None-Match: the file exists';
        END IF;
        next_rev := cur_rev + 1;
        INSERT INTO revisions (namespace, path, revision, sha256, size, content_type, tx_id, deleted)
          VALUES (p_namespace, p_path, next_rev, p_sha256, COALESCE(p_size, 0), COALESCE(p_content_type, ''), p_tx_id, p_sha256 IS NULL);
        UPDATE files SET current_revision = next_rev, deleted = (p_sha256 IS NULL)
          WHERE files.namespace = p_namespace AND files.path = p_path;
        RETURN QUERY SELECT next_rev, NOT live;
      END
      $fn$;

      -- Opens a branch: its marker row goes in with its first write. Raises TP409 when the
      -- gid is prepared already or a marker shows the tx committed here: a second transaction
      -- under such a tx id could never prepare under the same gid.
      CREATE FUNCTION twophase_open_branch(p_tx_id text, p_participant_id text, p_gid text) RETURNS void
      LANGUAGE plpgsql AS $fn$
      BEGIN
        IF EXISTS (SELECT 1 FROM pg_prepared_xacts WHERE gid = p_gid AND database = current_database())
           OR EXISTS (SELECT 1 FROM tx_markers WHERE tx_id = p_tx_id AND participant_id = p_participant_id) THEN
          RAISE EXCEPTION USING ERRCODE = 'TP409', MESSAGE = 'the branch is already prepared or committed';
        END IF;
        INSERT INTO tx_markers (tx_id, participant_id) VALUES (p_tx_id, p_participant_id);
      END
      $fn$;
    `,
  },
  {
    version: 3,
    name: 'tx markers: retention counts from commit',
    sql: `
      -- When the sweep first saw the marker committed. prepared_at is the branch's first
      -- write, and a branch may stay in doubt for longer than the retention: counted from
      -- there, a marker could be swept right after COMMIT PREPARED, and the Commit re-sent
      -- after a lost ack would then find neither the prepared transaction nor the marker.
      -- A marker of a branch still prepared is uncommitted, so no sweep sees it until then.
      ALTER TABLE tx_markers ADD COLUMN committed_at timestamptz;
      -- the markers the next sweep stamps
      CREATE INDEX tx_markers_unstamped ON tx_markers (participant_id) WHERE committed_at IS NULL;
      CREATE INDEX tx_markers_by_committed_at ON tx_markers (committed_at) WHERE committed_at IS NOT NULL;
      DROP INDEX tx_markers_by_prepared_at;
    `,
  },
  {
    version: 4,
    name: 'tx markers: an outcome, for the last resource',
    sql: `
      -- In last-resource mode the marker is the decision itself. 'committed': the branch's
      -- one-phase COMMIT carried it in (it went in with the first write, as under 2PC).
      -- 'aborted': the compare-and-set of twophase_resolve took the key first, so the tx can
      -- never commit here. Every marker before this one was written inside a branch that
      -- committed. A constant default adds the column without rewriting the table.
      ALTER TABLE tx_markers ADD COLUMN outcome text NOT NULL DEFAULT 'committed'
        CHECK (outcome IN ('committed', 'aborted'));

      -- A marker of either outcome refuses a new branch of its tx: a resolved tx stays resolved.
      CREATE OR REPLACE FUNCTION twophase_open_branch(p_tx_id text, p_participant_id text, p_gid text) RETURNS void
      LANGUAGE plpgsql AS $fn$
      BEGIN
        IF EXISTS (SELECT 1 FROM pg_prepared_xacts WHERE gid = p_gid AND database = current_database())
           OR EXISTS (SELECT 1 FROM tx_markers WHERE tx_id = p_tx_id AND participant_id = p_participant_id) THEN
          RAISE EXCEPTION USING ERRCODE = 'TP409', MESSAGE = 'the branch is already prepared, committed or resolved';
        END IF;
        INSERT INTO tx_markers (tx_id, participant_id) VALUES (p_tx_id, p_participant_id);
      END
      $fn$;

      -- The compare-and-set that decides an unknown outcome in last-resource mode: inserts
      -- the marker (tx, aborted) unless one exists, then returns what the marker says. A
      -- branch of the tx still open (or its COMMIT still in flight) holds the key from its
      -- first write: the insert waits for it to end, and the SELECT, a new statement with a
      -- new snapshot (the caller runs this at READ COMMITTED), sees who won. The aborted
      -- marker is committed with this call, so its retention starts now (committed_at).
      -- Raises TP410 when the tx's branch is prepared under two-phase commit: its outcome is
      -- the coordinator's decision, not the marker's, and the insert would wait for it.
      CREATE FUNCTION twophase_resolve(p_tx_id text, p_participant_id text, p_gid text) RETURNS text
      LANGUAGE plpgsql AS $fn$
      DECLARE
        decided text;
      BEGIN
        IF EXISTS (SELECT 1 FROM pg_prepared_xacts WHERE gid = p_gid AND database = current_database()) THEN
          RAISE EXCEPTION USING ERRCODE = 'TP410', MESSAGE = 'the branch is prepared under two-phase commit';
        END IF;
        INSERT INTO tx_markers (tx_id, participant_id, outcome, committed_at)
          VALUES (p_tx_id, p_participant_id, 'aborted', clock_timestamp())
          ON CONFLICT (tx_id, participant_id) DO NOTHING;
        SELECT m.outcome INTO decided FROM tx_markers m WHERE m.tx_id = p_tx_id AND m.participant_id = p_participant_id;
        RETURN decided;
      END
      $fn$;
    `,
  },
  {
    version: 5,
    name: 'revisions by tx',
    sql: `
      -- GetTransactionRevision: the namespace a tx wrote, so that its outcome is told only
      -- to who may read there. Built under a write lock on revisions (one pass over it).
      CREATE INDEX revisions_by_tx ON revisions (tx_id);
    `,
  },
  {
    version: 6,
    name: 'change feed',
    sql: `
      -- the feed's order: given to a revision after its tx committed, by one sequencer at a
      -- time (feed_sequence's row lock), so cursors increase in the order changes became
      -- visible. NULL until then: adding the column rewrites nothing, and revisions from
      -- before it are sequenced like new ones.
      ALTER TABLE revisions ADD COLUMN feed_cursor bigint;
      CREATE UNIQUE INDEX revisions_by_feed_cursor ON revisions (namespace, feed_cursor) WHERE feed_cursor IS NOT NULL;
      CREATE INDEX revisions_unsequenced ON revisions (created_at) WHERE feed_cursor IS NULL;
      CREATE TABLE feed_sequence (
        id integer PRIMARY KEY CHECK (id = 1),
        last_cursor bigint NOT NULL
      );
      INSERT INTO feed_sequence VALUES (1, 0);
    `,
  },
];
