import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateRead, evaluateWrite, needsCurrentRevision, parseConditions, rangeApplies, revisionOf, singleRevision } from '../../gateway/parse-conditions.js';
import { InvalidArgumentError } from '../../sdk/index.js';
import { propertyRuns } from '../support/property-runs.js';

const at = (revision: number, lastModified = '2026-12-01T10:00:00.500Z') => ({ revision, lastModifiedMs: Date.parse(lastModified) });
const imf = (iso: string): string => new Date(iso).toUTCString();

describe('conditional requests (RFC 9110 §13)', () => {
  it('If-Match uses the strong comparison: a weak tag never matches, a list matches any of its tags, * matches any current revision', () => {
    expect(evaluateWrite(parseConditions({ 'if-match': '"3"' }), at(3))).toBe(true);
    expect(evaluateWrite(parseConditions({ 'if-match': 'W/"3"' }), at(3))).toBe(false);
    expect(evaluateWrite(parseConditions({ 'if-match': '"1", "3" ,"5"' }), at(3))).toBe(true);
    expect(evaluateWrite(parseConditions({ 'if-match': ['"1"', '"3"'] }), at(3))).toBe(true);
    expect(evaluateWrite(parseConditions({ 'if-match': '"1", "2"' }), at(3))).toBe(false);
    expect(evaluateWrite(parseConditions({ 'if-match': '*' }), at(3))).toBe(true);
    expect(evaluateWrite(parseConditions({ 'if-match': '*' }), undefined)).toBe(false);
    expect(evaluateWrite(parseConditions({ 'if-match': '"xyzzy"' }), at(3))).toBe(false);
    expect(evaluateRead(parseConditions({ 'if-match': 'W/"3"' }), at(3))).toBe('precondition-failed');
  });

  it('If-None-Match uses the weak comparison: on a read a match is 304, on a write it is false; * is false when a revision exists', () => {
    expect(evaluateRead(parseConditions({ 'if-none-match': 'W/"3"' }), at(3))).toBe('not-modified');
    expect(evaluateRead(parseConditions({ 'if-none-match': '"2", "3"' }), at(3))).toBe('not-modified');
    expect(evaluateRead(parseConditions({ 'if-none-match': '"2"' }), at(3))).toBe('proceed');
    expect(evaluateRead(parseConditions({ 'if-none-match': '*' }), at(3))).toBe('not-modified');
    expect(evaluateWrite(parseConditions({ 'if-none-match': '"3"' }), at(3))).toBe(false);
    expect(evaluateWrite(parseConditions({ 'if-none-match': '"2"' }), at(3))).toBe(true);
    expect(evaluateWrite(parseConditions({ 'if-none-match': '*' }), undefined)).toBe(true);
    expect(evaluateWrite(parseConditions({ 'if-none-match': '*' }), at(1))).toBe(false);
  });

  it('the date conditions count only without the entity-tag one of their pair, at one-second resolution', () => {
    const lastModified = '2026-12-01T10:00:00.500Z';
    expect(evaluateRead(parseConditions({ 'if-modified-since': imf('2026-12-01T10:00:00Z') }), at(3, lastModified))).toBe('not-modified');
    expect(evaluateRead(parseConditions({ 'if-modified-since': imf('2026-12-01T09:59:59Z') }), at(3, lastModified))).toBe('proceed');
    // If-None-Match present: If-Modified-Since is not evaluated
    expect(evaluateRead(parseConditions({ 'if-none-match': '"2"', 'if-modified-since': imf('2027-01-01T00:00:00Z') }), at(3, lastModified))).toBe('proceed');
    expect(evaluateWrite(parseConditions({ 'if-unmodified-since': imf('2026-12-01T10:00:00Z') }), at(3, lastModified))).toBe(true);
    expect(evaluateWrite(parseConditions({ 'if-unmodified-since': imf('2026-12-01T09:00:00Z') }), at(3, lastModified))).toBe(false);
    // If-Match present: If-Unmodified-Since is not evaluated
    expect(evaluateWrite(parseConditions({ 'if-match': '"3"', 'if-unmodified-since': imf('2020-01-01T00:00:00Z') }), at(3, lastModified))).toBe(true);
    // nothing to compare a date with: the condition is ignored
    expect(evaluateWrite(parseConditions({ 'if-unmodified-since': imf('2020-01-01T00:00:00Z') }), undefined)).toBe(true);
  });

  it('reads the three HTTP-date forms, and ignores an invalid date as §13.1.3 requires', () => {
    const seconds = Date.parse('1994-11-06T08:49:37Z') / 1000;
    expect(parseConditions({ 'if-modified-since': 'Sun, 06 Nov 1994 08:49:37 GMT' }).ifModifiedSince).toBe(seconds);
    expect(parseConditions({ 'if-modified-since': 'Sunday, 06-Nov-94 08:49:37 GMT' }).ifModifiedSince).toBe(seconds);
    expect(parseConditions({ 'if-modified-since': 'Sun Nov  6 08:49:37 1994' }).ifModifiedSince).toBe(seconds);
    expect(parseConditions({ 'if-modified-since': 'yesterday' }).ifModifiedSince).toBeUndefined();
    expect(parseConditions({ 'if-modified-since': ['Sun, 06 Nov 1994 08:49:37 GMT', 'Sun, 06 Nov 1994 08:49:38 GMT'] }).ifModifiedSince).toBeUndefined();
  });

  it('If-Range: a strong tag or the exact Last-Modified date keeps the range; anything else serves the whole file', () => {
    const file = at(3, '2026-12-01T10:00:00.500Z');
    expect(rangeApplies(parseConditions({}), file)).toBe(true);
    expect(rangeApplies(parseConditions({ 'if-range': '"3"' }), file)).toBe(true);
    expect(rangeApplies(parseConditions({ 'if-range': 'W/"3"' }), file)).toBe(false);
    expect(rangeApplies(parseConditions({ 'if-range': '"2"' }), file)).toBe(false);
    expect(rangeApplies(parseConditions({ 'if-range': imf('2026-12-01T10:00:00Z') }), file)).toBe(true);
    expect(rangeApplies(parseConditions({ 'if-range': imf('2026-12-01T10:00:01Z') }), file)).toBe(false);
    expect(rangeApplies(parseConditions({ 'if-range': 'garbage' }), file)).toBe(false);
    expect(rangeApplies(parseConditions({ 'if-range': '"3", "4"' }), file)).toBe(false);
    expect(rangeApplies(parseConditions({ 'if-range': '"3' }), file)).toBe(false);
  });

  it('a write carries one strong revision or If-None-Match: * atomically; every other form is evaluated against the current revision first', () => {
    expect(needsCurrentRevision(parseConditions({}))).toBe(false);
    expect(needsCurrentRevision(parseConditions({ 'if-match': '"3"' }))).toBe(false);
    expect(singleRevision(parseConditions({ 'if-match': '"3"' }).ifMatch)).toBe(3);
    expect(needsCurrentRevision(parseConditions({ 'if-none-match': '*' }))).toBe(false);
    for (const headers of [{ 'if-match': '*' }, { 'if-match': 'W/"3"' }, { 'if-match': '"1", "2"' }, { 'if-none-match': '"3"' }, { 'if-unmodified-since': imf('2026-01-01T00:00:00Z') }]) {
      expect(needsCurrentRevision(parseConditions(headers)), JSON.stringify(headers)).toBe(true);
    }
  });

  it('malformed entity-tag lists are 400 (InvalidArgumentError); a revision in a query may be bare or quoted', () => {
    for (const bad of ['3', '"3', 'W/3', '"a" "b"', ',', '"a",x']) expect(() => parseConditions({ 'if-match': bad }), bad).toThrow(InvalidArgumentError);
    expect(revisionOf('7', 'revision')).toBe(7);
    expect(revisionOf('"7"', 'revision')).toBe(7);
    expect(() => revisionOf('0', 'revision')).toThrow(InvalidArgumentError);
  });

  it('property: any header text either parses or is InvalidArgumentError, and a parsed If-Match list holds exactly when a strong tag names the current revision', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary-ascii', maxLength: 200 }), fc.string({ maxLength: 60 }), (raw, date) => {
        try {
          const c = parseConditions({ 'if-match': raw, 'if-none-match': raw, 'if-modified-since': date, 'if-unmodified-since': date, 'if-range': raw });
          expect(['proceed', 'not-modified', 'precondition-failed']).toContain(evaluateRead(c, at(1)));
        } catch (err) {
          expect(err).toBeInstanceOf(InvalidArgumentError);
        }
      }),
      { numRuns: propertyRuns(2_000) },
    );
    fc.assert(
      fc.property(fc.array(fc.record({ weak: fc.boolean(), revision: fc.integer({ min: 1, max: 20 }) }), { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 20 }), (tags, current) => {
        const header = tags.map((t) => `${t.weak ? 'W/' : ''}"${t.revision}"`).join(', ');
        const expected = tags.some((t) => !t.weak && t.revision === current);
        expect(evaluateWrite(parseConditions({ 'if-match': header }), at(current))).toBe(expected);
        expect(evaluateWrite(parseConditions({ 'if-none-match': header }), at(current))).toBe(!tags.some((t) => t.revision === current));
      }),
      { numRuns: propertyRuns(1_000) },
    );
  });
});
