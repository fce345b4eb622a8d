/** The twophase client SDK. */
export { TwoPhaseClient, type TwoPhaseClientOptions, type UploadFileRequest, type UploadFileResult, type MoveFileRequest, type MoveFileResult, type Outcome } from './two-phase-client.js';
export { Transaction, type CommitResult, type Content } from './transaction.js';
export type { FileRevision } from './file-revision.js';
export { ResumableUploads, type ResumableUpload, type CreateUploadRequest, type AppendChecksum, type FinishedUpload } from './resumable-uploads.js';
export type { AbortCause } from '../lib/abort-cause/abort-cause.js';
export {
  TwoPhaseError,
  PreconditionFailedError,
  ConflictError,
  TransactionAbortedError,
  UnavailableError,
  NotFoundError,
  InvalidArgumentError,
  ResourceExhaustedError,
  ChecksumMismatchError,
  DeadlineExceededError,
  OutcomeUnknownError,
  UnauthenticatedError,
  PermissionDeniedError,
  UploadOffsetError,
  UploadHeldError,
} from './sdk-errors.js';
/**
 * Makes the SDK create spans (an upload's, and a client span per call, whose W3C trace
 * context goes with the call) with the OpenTelemetry tracer provider your process has
 * registered. Off until called: without it the SDK never touches the OpenTelemetry API.
 */
export { setTracingOn as enableTracing } from '../lib/tracing/tracing.js';
