/**
 * PostgreSQL could not be reached, or the session of a call ended under it (server
 * restart, network). Retryable once the database is back. → UNAVAILABLE
 */
export class MetadataUnavailableError extends Error {
  override readonly name = 'MetadataUnavailableError';
  constructor(detail: string, options?: { cause?: unknown }) {
    super(`metadata database unavailable: ${detail}`, options);
  }
}
