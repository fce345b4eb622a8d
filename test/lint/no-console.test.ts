import { beforeAll, describe, expect, it } from 'vitest';
import { createLinter, errors, type LintFn } from './lint-text.js';

let lint: LintFn;

beforeAll(() => {
  lint = createLinter();
});

describe('no-console (STYLE.md rule 11)', () => {
  const code = "console.log('hello');\nexport {};\n";

  it.each(['lib/logger/fixture.ts', 'coordinator/fixture.ts', 'gateway/fixture.ts'])(
    'no-console: console is an error in %s',
    async (filePath) => {
      expect(errors(await lint(code, filePath))).toEqual([expect.stringMatching(/^no-console: /)]);
    },
  );

  it.each(['cli/fixture.ts', 'test/fixture.test.ts', 'bench/fixture.ts'])(
    'no-console: console is allowed in %s',
    async (filePath) => {
      expect(errors(await lint(code, filePath))).toEqual([]);
    },
  );
});
