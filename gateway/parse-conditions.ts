import { InvalidArgumentError } from '../sdk/index.js';
import { limits } from '../lib/limits/limits.js';

/**
 * If-Match / If-None-Match of a write. ETags are revisions: `"7"` (weak `W/"7"` is
 * accepted the same). `If-None-Match: *` means "only if the file does not exist".
 */
export function parseConditions(headers: { 'if-match'?: string | string[]; 'if-none-match'?: string | string[] }): { ifMatch?: number; ifNoneMatch?: boolean } {
  const ifMatch = single(headers['if-match'], 'If-Match');
  const ifNoneMatch = single(headers['if-none-match'], 'If-None-Match');
  const out: { ifMatch?: number; ifNoneMatch?: boolean } = {};
  if (ifMatch !== undefined) {
    if (ifMatch.trim() === '*') throw new InvalidArgumentError('If-Match: * is not supported on writes; name the revision, e.g. If-Match: "3"');
    out.ifMatch = revisionOf(ifMatch, 'If-Match');
  }
  if (ifNoneMatch !== undefined) {
    if (ifNoneMatch.trim() !== '*') throw new InvalidArgumentError('only If-None-Match: * is supported on writes');
    out.ifNoneMatch = true;
  }
  return out;
}

/** An ETag: `"7"`, `W/"7"` or a bare 7, of at most `etagRevisionDigitsMax` digits. */
const etagPattern = new RegExp(`^\\s*(?:W/)?"?(\\d{1,${limits.etagRevisionDigitsMax}})"?\\s*$`);

/** The revision an ETag names: `"7"`, `W/"7"` or a bare 7. */
export function revisionOf(etag: string, header: string): number {
  const m = etagPattern.exec(etag);
  const revision = m === null ? NaN : Number(m[1]);
  if (!Number.isSafeInteger(revision) || revision < 1) throw new InvalidArgumentError(`${header} must name one revision, e.g. "3" (got ${JSON.stringify(etag)})`);
  return revision;
}

function single(value: string | string[] | undefined, name: string): string | undefined {
  if (Array.isArray(value)) {
    if (value.length > 1) throw new InvalidArgumentError(`${name} given more than once`);
    return value[0];
  }
  return value;
}
