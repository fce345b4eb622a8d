import { limits } from '../../lib/limits/limits.js';
import { InvalidInputError } from '../participant-errors.js';

/** Where the next page of a listing starts: after this path (ListFiles) or below this revision (ListRevisions). */
export type PageCursor = { readonly kind: 'files'; readonly afterPath: string } | { readonly kind: 'revisions'; readonly beforeRevision: number };

/**
 * Opaque page tokens for keyset pagination. Encoded rather than plain so that clients
 * treat them as opaque and the format can change; decoding validates everything, since
 * a token comes back from the client.
 */
export const pageToken = {
  encode(cursor: PageCursor): string {
    return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
  },

  /** The cursor of a token that must be of `kind`; throws InvalidInputError('page_token') otherwise. */
  decode<K extends PageCursor['kind']>(token: string, kind: K): Extract<PageCursor, { kind: K }> {
    const invalid = (detail: string) => new InvalidInputError('page_token', detail);
    if (token.length > limits.pageTokenLengthMax) throw invalid(`longer than ${limits.pageTokenLengthMax} characters`);
    if (!/^[A-Za-z0-9_-]+$/.test(token)) throw invalid('not a token this service issued');
    let value: unknown;
    try {
      value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    } catch {
      throw invalid('not a token this service issued');
    }
    const cursor = value as Partial<Record<string, unknown>> | null;
    if (typeof cursor !== 'object' || cursor === null || cursor.kind !== kind) throw invalid(`not a token of a ${kind} listing`);
    if (kind === 'files' && typeof cursor.afterPath === 'string') return { kind: 'files', afterPath: cursor.afterPath } as Extract<PageCursor, { kind: K }>;
    if (kind === 'revisions' && Number.isSafeInteger(cursor.beforeRevision) && (cursor.beforeRevision as number) > 0) {
      return { kind: 'revisions', beforeRevision: cursor.beforeRevision as number } as Extract<PageCursor, { kind: K }>;
    }
    throw invalid('not a token this service issued');
  },
};
