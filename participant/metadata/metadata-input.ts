import { namespaceProblem } from '../../lib/file-path/namespace-problem.js';
import { InvalidPathError } from '../../lib/file-path/invalid-path-error.js';
import { normalizePath } from '../../lib/file-path/normalize-path.js';
import { pathTextProblem } from '../../lib/file-path/path-text-problem.js';
import { limits } from '../../lib/limits/limits.js';
import { txIdProblem } from '../../lib/tx-id/tx-id.js';
import { InvalidInputError } from '../participant-errors.js';

const sha256Pattern = /^[0-9a-f]{64}$/;
// printable ASCII: a content type is echoed into HTTP headers by the gateway
const contentTypePattern = /^[\x20-\x7e]*$/;
const int64Pattern = /^-?\d+$/;

/**
 * Validation of metadata inputs, shared by the gRPC service (which must refuse bad input
 * before enlisting) and the store (which must never act on it). Each check throws
 * `InvalidInputError` naming the field as the wire calls it, and returns the value in
 * the form the store keeps.
 */
export const metadataInput = {
  txId(txId: string): string {
    const problem = txIdProblem(txId);
    if (problem !== undefined) throw new InvalidInputError('tx_id', problem);
    return txId;
  },

  namespace(namespace: string): string {
    const problem = namespaceProblem(namespace);
    if (problem !== undefined) throw new InvalidInputError('namespace', problem);
    return namespace;
  },

  /** The normalized path (see normalizePath). */
  path(path: string): string {
    try {
      return normalizePath(path);
    } catch (err) {
      if (err instanceof InvalidPathError) throw new InvalidInputError(err.field, err.problem, { cause: err });
      throw err;
    }
  },

  /** A ListFiles prefix: not normalized (`docs/` and `docs` differ), empty for all. */
  prefix(prefix: string): string {
    if (prefix === '') return prefix;
    const problem = pathTextProblem(prefix, 'prefix');
    if (problem !== undefined) throw new InvalidInputError('prefix', problem);
    return prefix;
  },

  sha256(sha256: string): string {
    if (!sha256Pattern.test(sha256)) throw new InvalidInputError('sha256', `expected 64 lower-case hex digits, got ${JSON.stringify(sha256.slice(0, 80))}`);
    return sha256;
  },

  /** A non-negative int64 that a JavaScript number holds exactly; from the wire (a string) or a number. */
  count(field: string, value: string | number): number {
    const n = typeof value === 'number' ? value : int64Pattern.test(value) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(n)) throw new InvalidInputError(field, `expected a whole number up to ${Number.MAX_SAFE_INTEGER}, got ${JSON.stringify(String(value).slice(0, 40))}`);
    if (n < 0) throw new InvalidInputError(field, `must not be negative, got ${n}`);
    return n;
  },

  /** An If-Match revision: 0 (the wire's "unset") means no condition. */
  ifMatchRevision(value: string | number | undefined): number | undefined {
    if (value === undefined) return undefined;
    const revision = metadataInput.count('if_match_revision', value);
    return revision === 0 ? undefined : revision;
  },

  /** Refuses If-Match together with If-None-Match: no file can satisfy both. */
  conditions(ifMatchRevision: number | undefined, ifNoneMatch: boolean): void {
    if (ifMatchRevision !== undefined && ifNoneMatch) {
      throw new InvalidInputError('if_none_match', 'cannot be combined with if_match_revision: no file satisfies both');
    }
  },

  /** The content type, `application/octet-stream` when empty (as the wire contract says). */
  contentType(contentType: string): string {
    if (contentType.length > limits.contentTypeLengthMax) {
      throw new InvalidInputError('content_type', `longer than ${limits.contentTypeLengthMax} characters`);
    }
    if (!contentTypePattern.test(contentType)) throw new InvalidInputError('content_type', 'only printable ASCII characters are allowed');
    return contentType === '' ? 'application/octet-stream' : contentType;
  },

  /** A page size of 1 to pageSizeMax; 0 (the wire's "unset") means pageSizeDefault. */
  pageSize(pageSize: number): number {
    if (pageSize === 0) return limits.pageSizeDefault;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > limits.pageSizeMax) {
      throw new InvalidInputError('page_size', `expected 1 to ${limits.pageSizeMax} (0 for ${limits.pageSizeDefault}), got ${pageSize}`);
    }
    return pageSize;
  },
};
