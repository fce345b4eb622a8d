import { describe, expect, it } from 'vitest';
import { InvalidPathError } from '../../lib/file-path/invalid-path-error.js';
import { namespaceProblem } from '../../lib/file-path/namespace-problem.js';
import { normalizePath } from '../../lib/file-path/normalize-path.js';
import { pathTextProblem } from '../../lib/file-path/path-text-problem.js';
import { metadataInput } from '../../participant/metadata/metadata-input.js';
import { InvalidInputError } from '../../participant/participant-errors.js';

function refusal(path: string): InvalidPathError {
  try {
    normalizePath(path);
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidPathError);
    return err as InvalidPathError;
  }
  throw new Error(`${JSON.stringify(path)} was accepted`);
}

describe('normalizePath', () => {
  it('collapses duplicate slashes and strips leading and trailing ones, so one file has one name', () => {
    expect(normalizePath('docs/a.txt')).toBe('docs/a.txt');
    expect(normalizePath('/docs//a.txt/')).toBe('docs/a.txt');
    expect(normalizePath('///x')).toBe('x');
    expect(normalizePath('a/b/c')).toBe('a/b/c');
  });

  it('keeps names that merely contain dots, spaces or non-ASCII letters', () => {
    expect(normalizePath('.hidden/..data/a..b/...')).toBe('.hidden/..data/a..b/...');
    expect(normalizePath('Reports 2024/Übersicht é 日本.pdf')).toBe('Reports 2024/Übersicht é 日本.pdf');
  });

  it('refuses "." and ".." segments anywhere (path traversal)', () => {
    for (const path of ['..', '.', '../etc/passwd', 'a/../../b', 'a/./b', 'a/..', '/../x', 'a//..//b']) {
      expect(refusal(path).message).toMatch(/traversal/);
    }
  });

  it('refuses backslashes, which are separators on Windows', () => {
    expect(refusal('a\\..\\b').message).toMatch(/backslash/);
    expect(refusal('a\\b').field).toBe('path');
  });

  it('refuses NUL and every other control character, U+0000–U+001F and U+007F', () => {
    for (const code of [0x00, 0x01, 0x09, 0x0a, 0x0d, 0x1b, 0x1f, 0x7f]) {
      const hex = code.toString(16).toUpperCase().padStart(4, '0');
      expect(refusal(`a${String.fromCharCode(code)}b`).message).toContain(`U+${hex}`);
    }
  });

  it('refuses a lone surrogate, which has no UTF-8 form', () => {
    expect(refusal('a\ud800b').message).toMatch(/lone surrogate/);
  });

  it('refuses empty paths and paths of slashes only', () => {
    expect(refusal('').message).toMatch(/empty/);
    expect(refusal('//').message).toMatch(/names no file/);
  });

  it('accepts 1024 bytes of UTF-8 and refuses 1025, counting bytes, not characters', () => {
    const segment = 'a'.repeat(255);
    const exact = [segment, segment, segment, segment].join('/').slice(0, 1024 - 4) + '/abc';
    expect(Buffer.byteLength(exact)).toBe(1024 - 4 + 4);
    expect(normalizePath(exact)).toBe(exact);
    expect(refusal(`${exact}d`).message).toMatch(/1025 bytes/);
    // 342 three-byte characters are 1026 bytes but only 342 characters
    expect(refusal('€'.repeat(342)).message).toMatch(/bytes/);
  });

  it('refuses a segment over 255 bytes', () => {
    expect(normalizePath(`d/${'b'.repeat(255)}`)).toBe(`d/${'b'.repeat(255)}`);
    expect(refusal(`d/${'b'.repeat(256)}`).message).toMatch(/segment is 256 bytes/);
    expect(refusal(`d/${'é'.repeat(128)}`).message).toMatch(/segment is 256 bytes/);
  });
});

describe('namespaceProblem', () => {
  it('accepts 1 to 128 characters of [A-Za-z0-9._-]', () => {
    for (const ns of ['a', 'alice', 'Team-7_x.y', 'x'.repeat(128), '...', '.a']) expect(namespaceProblem(ns)).toBeUndefined();
  });

  it('refuses ".", "..", empty, too long, and any other character', () => {
    for (const ns of ['.', '..', '', 'x'.repeat(129), 'a/b', 'a b', 'é', "x';DROP", 'a\u0000']) {
      expect(namespaceProblem(ns)).toEqual(expect.any(String));
    }
  });
});

describe('pathTextProblem', () => {
  it('checks a prefix without normalizing it: a trailing slash is meaningful', () => {
    expect(pathTextProblem('docs/', 'prefix')).toBeUndefined();
    expect(pathTextProblem('docs/\n', 'prefix')).toMatch(/prefix contains the control character U\+000A/);
  });
});

describe('metadataInput.path', () => {
  it('refuses what normalizePath refuses as an InvalidInputError on the path field (INVALID_ARGUMENT), with the same words', () => {
    let caught: unknown;
    try {
      metadataInput.path('a/../b');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(InvalidInputError);
    expect((caught as InvalidInputError).field).toBe('path');
    expect((caught as InvalidInputError).message).toBe(refusal('a/../b').message);
  });
});
