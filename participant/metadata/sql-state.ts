import pg from 'pg';

/** The SQLSTATE codes the metadata participant reacts to, and how to read one off an error. */
export const sqlState = {
  /** `lock_timeout` passed while waiting for a lock. */
  lockNotAvailable: '55P03',
  deadlockDetected: '40P01',
  /** REPEATABLE READ or SERIALIZABLE (a server whose default_transaction_isolation says so): the tx met another one. */
  serializationFailure: '40001',
  /** COMMIT/ROLLBACK PREPARED: "prepared transaction with identifier … does not exist". */
  undefinedObject: '42704',
  uniqueViolation: '23505',
  /** statement_timeout (or a cancel request) ended the statement. */
  queryCanceled: '57014',
  /** COMMIT/ROLLBACK PREPARED: "prepared transaction with identifier … is busy" (another session is ending it). */
  objectNotInPrerequisiteState: '55000',
  /** Raised by twophase_write: an If-Match / If-None-Match check failed (DETAIL: the current revision). */
  preconditionFailed: 'TP412',
  /** Raised by twophase_write: a delete found no live file. */
  noFileToDelete: 'TP404',
  /** Raised by twophase_open_branch: the tx's branch is already prepared, committed or resolved (a marker of either outcome) here. */
  branchEnded: 'TP409',
  /** Raised by twophase_resolve: the tx's branch is prepared under two-phase commit, so no marker may decide it. */
  branchPrepared: 'TP410',

  /** The SQLSTATE of a PostgreSQL error, or undefined for any other failure (e.g. a lost connection). */
  of(err: unknown): string | undefined {
    return err instanceof pg.DatabaseError ? err.code : undefined;
  },

  /**
   * Whether `err` says the tx's work met another tx's (a serialization failure, a
   * deadlock): the same tx may pass once the other one has ended, so a no vote for it
   * is a `conflict`.
   */
  isConflict(err: unknown): boolean {
    const code = sqlState.of(err);
    return code === sqlState.serializationFailure || code === sqlState.deadlockDetected;
  },

  /**
   * Whether node-postgres gave up waiting for the answer to a statement (`query_timeout`).
   * The statement may have been carried out, may still be running, or never arrived.
   */
  isQueryTimeout(err: unknown): boolean {
    return err instanceof Error && !(err instanceof pg.DatabaseError) && err.message === 'Query read timeout';
  },

  /**
   * Whether `err` says the server could not be reached or the session ended, rather than
   * that a statement was refused: such failures are worth retrying elsewhere or later.
   */
  isConnectionFailure(err: unknown): boolean {
    const code = sqlState.of(err);
    // class 08: connection exception; 57P01–57P03: admin/crash shutdown, cannot connect now
    if (code !== undefined) return code.startsWith('08') || ['57P01', '57P02', '57P03'].includes(code);
    if (!(err instanceof Error)) return false;
    if (sqlState.isQueryTimeout(err)) return true;
    const errno = (err as NodeJS.ErrnoException).code;
    if (errno !== undefined && ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH'].includes(errno)) return true;
    // node-postgres reports a closed socket and a pool wait past its timeout only in the message
    return /Connection terminated|connection timeout|timeout expired|Client has encountered a connection error|timeout exceeded when trying to connect/i.test(err.message);
  },
} as const;
