import { fileURLToPath } from 'node:url';
import { ESLint, type Linter } from 'eslint';
import { expect } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Lints `code` as if it were the file at `filePath` (relative to the repository root). */
export type LintFn = (code: string, filePath: string) => Promise<Linter.LintMessage[]>;

/** A linter with the repository's own eslint.config.js, exactly as `npm run lint` uses it. */
export function createLinter(): LintFn {
  const eslint = new ESLint({ cwd: repoRoot });
  return async (code, filePath) => {
    const [result] = await eslint.lintText(code, { filePath });
    if (result === undefined) throw new Error(`no lint result for ${filePath}`);
    // a parse error would hide every rule: fail loudly instead of passing vacuously
    expect(result.messages.filter((m) => m.fatal === true)).toEqual([]);
    return result.messages;
  };
}

/** `ruleId: message` of every error, for readable diffs. */
export function errors(messages: readonly Linter.LintMessage[]): string[] {
  return messages.filter((m) => m.severity === 2).map((m) => `${m.ruleId ?? '(none)'}: ${m.message}`);
}
