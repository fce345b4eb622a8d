/** The twophase client SDK. */
export { TwoPhaseClient, type TwoPhaseClientOptions, type UploadFileRequest, type UploadFileResult, type Outcome } from './two-phase-client.js';
export { Transaction, type CommitResult, type Content } from './transaction.js';
export type { FileRevision } from './file-revision.js';
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
} from './sdk-errors.js';
