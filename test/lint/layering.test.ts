import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { createLinter, errors, type LintFn } from './lint-text.js';

/**
 * Fixtures mirror the repository: `fixtures/layering/bad/lib/file-path/x.ts` is linted as
 * if it were `lib/file-path/x.ts`, so its relative imports resolve to the real files the
 * rule judges. Every bad one breaks one arrow of DESIGN.md's layout; every good one
 * imports only inward.
 */
const fixtures = fileURLToPath(new URL('./fixtures/layering/', import.meta.url));

function fixtureFiles(kind: 'bad' | 'good'): [string, string][] {
  const root = path.join(fixtures, kind);
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .sort()
    .map((file) => [file.split(path.sep).join('/'), readFileSync(path.join(root, file), 'utf8')]);
}

let lint: LintFn;

beforeAll(() => {
  lint = createLinter();
});

describe('layering (DESIGN.md, Layout): dependencies point inward', () => {
  const bad = fixtureFiles('bad');
  const good = fixtureFiles('good');

  it('has fixtures of both kinds', () => {
    expect(bad.length).toBeGreaterThanOrEqual(7);
    expect(good.length).toBeGreaterThanOrEqual(5);
  });

  it.each(bad)('an import against the layering fails lint: %s', async (filePath, code) => {
    const found = errors(await lint(code, filePath));

    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^import-x\/no-restricted-paths: .*Dependencies point inward \(DESIGN\.md, Layout\)/);
  });

  it.each(good)('an import that points inward passes lint: %s', async (filePath, code) => {
    expect(errors(await lint(code, filePath))).toEqual([]);
  });

  it('judges the file an import resolves to, not its spelling', async () => {
    const code = "import { InvalidInputError } from '../limits/../../participant/participant-errors.js';\nexport const E = InvalidInputError;\n";

    expect(errors(await lint(code, 'lib/file-path/fixture.ts'))).toEqual([expect.stringMatching(/^import-x\/no-restricted-paths: .*lib\/ imports nothing/)]);
  });
});
