import type pg from 'pg';
import type { Logger } from '../../lib/logger/logger.js';

/**
 * The in-process state of one tx's branch before it prepares. A prepared branch has no
 * entry: PostgreSQL holds it (pg_prepared_xacts), and every question about it is asked
 * there, so a restart loses nothing.
 *
 * - `open`: a PostgreSQL transaction on a connection of its own holds the branch's
 *   writes and row locks until PREPARE TRANSACTION or ROLLBACK.
 * - `broken`: that connection failed (server restart, idle timeout, a failed undo), so
 *   the transaction and its writes are gone; only a `no` vote or an abort is left to do.
 */
export type MetadataBranch =
  | {
      readonly kind: 'open';
      readonly client: pg.PoolClient;
      readonly logger: Logger;
      /** Writes staged so far, against limits.metadataWritesPerBranchMax. */
      readonly writes: number;
      /**
       * Hands the connection back to the pool, once (later calls do nothing); with an error
       * the connection is closed instead, so no half-known session state is reused.
       */
      readonly release: (err?: Error) => void;
    }
  | { readonly kind: 'broken'; readonly logger: Logger; readonly reason: string };
