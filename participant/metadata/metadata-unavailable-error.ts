import { ParticipantError } from '../participant-errors.js';

/**
 * PostgreSQL could not be reached, or the session of a call ended under it (server
 * restart, network). Retryable once the database is back. → UNAVAILABLE
 */
export class MetadataUnavailableError extends ParticipantError {
  override readonly name = 'MetadataUnavailableError';
  override readonly status = 'UNAVAILABLE';
  constructor(detail: string, options?: { cause?: unknown }) {
    super(`metadata database unavailable: ${detail}`, options);
  }
}
