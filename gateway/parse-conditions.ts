import { InvalidArgumentError } from '../sdk/index.js';
import { limits } from '../lib/limits/limits.js';

/** An entity tag of a conditional header: its opaque value, and whether it is weak (`W/"…"`). */
export interface EntityTag {
  readonly weak: boolean;
  readonly opaque: string;
}

/**
 * The preconditions of a request (RFC 9110 §13.1): If-Match and If-None-Match (`*` or a
 * list of entity tags), If-Modified-Since and If-Unmodified-Since (Unix seconds; an
 * invalid date is ignored, as §13.1.3–4 require), If-Range (an entity tag or a date).
 */
export interface Conditions {
  readonly ifMatch?: '*' | readonly EntityTag[];
  readonly ifNoneMatch?: '*' | readonly EntityTag[];
  readonly ifModifiedSince?: number;
  readonly ifUnmodifiedSince?: number;
  readonly ifRange?: EntityTag | { readonly date: number };
}

/** What a precondition is evaluated against: the file's current revision (its ETag is `"<revision>"`, strong) and its Last-Modified. */
export interface Validators {
  readonly revision: number;
  readonly lastModifiedMs: number;
}

/** Reads the conditional headers; a malformed entity-tag list is InvalidArgumentError (400). */
export function parseConditions(headers: Readonly<Record<string, string | string[] | undefined>>): Conditions {
  const ifMatch = joined(headers['if-match']);
  const ifNoneMatch = joined(headers['if-none-match']);
  const ifModifiedSince = single(headers['if-modified-since']);
  const ifUnmodifiedSince = single(headers['if-unmodified-since']);
  const ifRange = single(headers['if-range']);
  const out: { -readonly [K in keyof Conditions]: Conditions[K] } = {};
  if (ifMatch !== undefined) out.ifMatch = entityTags(ifMatch, 'If-Match');
  if (ifNoneMatch !== undefined) out.ifNoneMatch = entityTags(ifNoneMatch, 'If-None-Match');
  const modifiedSince = ifModifiedSince === undefined ? undefined : httpDate(ifModifiedSince);
  if (modifiedSince !== undefined) out.ifModifiedSince = modifiedSince;
  const unmodifiedSince = ifUnmodifiedSince === undefined ? undefined : httpDate(ifUnmodifiedSince);
  if (unmodifiedSince !== undefined) out.ifUnmodifiedSince = unmodifiedSince;
  if (ifRange !== undefined) {
    const trimmed = ifRange.trim();
    if (trimmed.startsWith('"') || trimmed.startsWith('W/')) {
      // not one entity tag: a validator that matches nothing, so the whole file is sent (§13.1.5)
      let tags: '*' | EntityTag[] = [];
      try {
        tags = entityTags(trimmed, 'If-Range');
      } catch {
        tags = [];
      }
      out.ifRange = tags !== '*' && tags.length === 1 ? (tags[0] as EntityTag) : { weak: true, opaque: '' };
    } else {
      const date = httpDate(trimmed);
      // an If-Range that is neither is not a validator we can match: the range is not applied
      out.ifRange = date === undefined ? { weak: true, opaque: '' } : { date };
    }
  }
  return out;
}

/** The revision a request's If-Match names, when it is exactly one strong tag of a revision; the atomic form of a write's precondition. */
export function singleRevision(tags: '*' | readonly EntityTag[] | undefined): number | undefined {
  if (tags === undefined || tags === '*' || tags.length !== 1) return undefined;
  const tag = tags[0] as EntityTag;
  return tag.weak ? undefined : revisionOfOpaque(tag.opaque);
}

/**
 * §13.2.2 for a read (GET, HEAD): `precondition-failed` (412), `not-modified` (304), or
 * `proceed`. If-Match uses the strong comparison, If-None-Match the weak one; a date
 * condition counts only when the entity-tag one of its pair is absent.
 */
export function evaluateRead(c: Conditions, current: Validators): 'proceed' | 'not-modified' | 'precondition-failed' {
  if (!matchesFirstPair(c, current)) return 'precondition-failed';
  if (c.ifNoneMatch !== undefined) return noneMatches(c.ifNoneMatch, current) ? 'proceed' : 'not-modified';
  if (c.ifModifiedSince !== undefined && seconds(current.lastModifiedMs) <= c.ifModifiedSince) return 'not-modified';
  return 'proceed';
}

/**
 * §13.2.2 for a write (PUT, DELETE) against the current revision, or none: true when the
 * write may go ahead. Without a current revision If-Match is false (even `*`), and
 * If-Unmodified-Since is ignored (nothing has a modification date).
 */
export function evaluateWrite(c: Conditions, current: Validators | undefined): boolean {
  if (current === undefined) return c.ifMatch === undefined;
  if (!matchesFirstPair(c, current)) return false;
  return c.ifNoneMatch === undefined || noneMatches(c.ifNoneMatch, current);
}

/** §13.2.2 step 5: whether a Range is served (206) or ignored (200 with the whole file). */
export function rangeApplies(c: Conditions, current: Validators): boolean {
  const r = c.ifRange;
  if (r === undefined) return true;
  if ('date' in r) return seconds(current.lastModifiedMs) === r.date;
  return strongMatch(r, current);
}

/** Whether the request has any condition that a plain write (no stat first) cannot carry atomically. */
export function needsCurrentRevision(c: Conditions): boolean {
  if (c.ifUnmodifiedSince !== undefined && c.ifMatch === undefined) return true;
  if (c.ifMatch !== undefined && singleRevision(c.ifMatch) === undefined) return true;
  if (c.ifNoneMatch !== undefined && c.ifNoneMatch !== '*') return true;
  return c.ifMatch !== undefined && c.ifNoneMatch !== undefined;
}

function matchesFirstPair(c: Conditions, current: Validators): boolean {
  if (c.ifMatch !== undefined) return c.ifMatch === '*' || c.ifMatch.some((tag) => strongMatch(tag, current));
  if (c.ifUnmodifiedSince !== undefined) return seconds(current.lastModifiedMs) <= c.ifUnmodifiedSince;
  return true;
}

function noneMatches(tags: '*' | readonly EntityTag[], current: Validators): boolean {
  return tags !== '*' && !tags.some((tag) => revisionOfOpaque(tag.opaque) === current.revision);
}

/** Strong comparison (§8.8.3.2): both tags strong and equal; ours are always strong. */
function strongMatch(tag: EntityTag, current: Validators): boolean {
  return !tag.weak && revisionOfOpaque(tag.opaque) === current.revision;
}

function revisionOfOpaque(opaque: string): number | undefined {
  if (!/^\d+$/.test(opaque) || opaque.length > limits.etagRevisionDigitsMax) return undefined;
  const n = Number(opaque);
  return Number.isSafeInteger(n) && n >= 1 ? n : undefined;
}

function seconds(ms: number): number {
  return Math.floor(ms / 1000);
}

/** `*` or `#entity-tag` (§13.1.1): comma-separated `"…"` or `W/"…"`, with optional whitespace; empty list elements are allowed. */
function entityTags(value: string, header: string): '*' | EntityTag[] {
  const text = value.trim();
  if (text === '*') return '*';
  if (text.length > limits.conditionalHeaderLengthMax) throw new InvalidArgumentError(`${header} is longer than ${limits.conditionalHeaderLengthMax} characters`);
  const tags: EntityTag[] = [];
  const tag = /\s*(W\/)?"([\x21\x23-\x7e\x80-\xff]*)"\s*(?:,|$)/y;
  let at = 0;
  while (at < text.length) {
    // an empty element of the list (`"1", , "2"`)
    const empty = /\s*,/y;
    empty.lastIndex = at;
    if (empty.test(text)) {
      at = empty.lastIndex;
      continue;
    }
    tag.lastIndex = at;
    const m = tag.exec(text);
    if (m === null) throw new InvalidArgumentError(`${header} must be * or a list of entity tags, e.g. "3" or W/"3" (got ${JSON.stringify(value.slice(0, 80))})`);
    tags.push({ weak: m[1] !== undefined, opaque: m[2] as string });
    at = tag.lastIndex;
  }
  if (tags.length === 0) throw new InvalidArgumentError(`${header} names no entity tag`);
  return tags;
}

/** An HTTP-date (§5.6.7: IMF-fixdate, or the obsolete RFC 850 and asctime forms) in Unix seconds; undefined when it is not one. */
function httpDate(value: string): number | undefined {
  const text = value.trim();
  const imf = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;
  const rfc850 = /^(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), \d{2}-(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-\d{2} \d{2}:\d{2}:\d{2} GMT$/;
  const asctime = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/;
  let ms: number;
  if (imf.test(text)) ms = Date.parse(text);
  else if (rfc850.test(text)) ms = rfc850Date(text);
  else if (asctime.test(text)) ms = Date.parse(`${text} GMT`);
  else return undefined;
  return Number.isFinite(ms) ? seconds(ms) : undefined;
}

/** RFC 850 has a two-digit year: one that looks more than 50 years ahead is in the past century (§5.6.7). */
function rfc850Date(text: string): number {
  const m = /, (\d{2})-(\w{3})-(\d{2}) (\d{2}:\d{2}:\d{2}) GMT$/.exec(text);
  if (m === null) return NaN;
  const yy = Number(m[3]);
  const thisYear = new Date().getUTCFullYear();
  let year = Math.floor(thisYear / 100) * 100 + yy;
  if (year > thisYear + 50) year -= 100;
  return Date.parse(`${m[1]} ${m[2]} ${year} ${m[4]} GMT`);
}

/** The values of a list header given on several lines, as one list (§5.3). */
function joined(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

/** A date header given once; several are ambiguous and ignored, as an invalid date is. */
function single(value: string | string[] | undefined): string | undefined {
  if (Array.isArray(value)) return value.length === 1 ? value[0] : undefined;
  return value;
}

/** A revision given by number in a query (`?revision=7`): digits, at least 1. */
export function revisionOf(text: string, name: string): number {
  // an ETag copied from a response ("7", W/"7") names its revision too
  const digits = text.trim().replace(/^(?:W\/)?"(.*)"$/, '$1');
  const n = new RegExp(`^\\d{1,${limits.etagRevisionDigitsMax}}$`).test(digits) ? Number(digits) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a revision number, e.g. 3 (got ${JSON.stringify(text.slice(0, 80))})`);
  return n;
}
