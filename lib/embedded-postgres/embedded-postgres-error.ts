/**
 * The embedded PostgreSQL server could not be started, stopped or reached. The message
 * carries the server's last log lines, because its own FATAL line is nearly always the
 * explanation (port in use, data directory owned by someone else, …).
 */
export class EmbeddedPostgresError extends Error {
  override readonly name = 'EmbeddedPostgresError';
  constructor(
    readonly dataDir: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`embedded PostgreSQL in ${dataDir}: ${detail}`, options);
  }
}
