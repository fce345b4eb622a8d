/**
 * The PostgreSQL server has `max_prepared_transactions = 0`, so PREPARE TRANSACTION
 * fails and this participant could never vote yes. Refusing to start says so at once,
 * instead of aborting every tx at its first Prepare.
 */
export class PreparedTransactionsDisabledError extends Error {
  override readonly name = 'PreparedTransactionsDisabledError';
  constructor(readonly databaseUrlRedacted: string) {
    super(
      `the metadata participant needs prepared transactions, but the PostgreSQL server at ${databaseUrlRedacted} has max_prepared_transactions = 0. ` +
        'Set `max_prepared_transactions = 64` (at least the number of transactions that may be prepared at once) in postgresql.conf, ' +
        'or start the server with `-c max_prepared_transactions=64`, then restart PostgreSQL: the setting takes effect only at server start.',
    );
  }
}
