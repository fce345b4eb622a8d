import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * How to start another `twophase` process: the bundled CLI when this code runs from the
 * bundle, the compiled CLI when it runs from dist/, the TypeScript source through tsx when it runs from the source tree (tests,
 * `npm run chaos`). Not process.argv[1]: under a test runner that is the runner.
 */
export function selfCommand(): { command: string; args: string[] } {
  const here = fileURLToPath(import.meta.url);
  // bundled (scripts/bundle-cli.mjs): every module is a file of dist/bundle/cli/, main.js among them
  if (dirname(here).endsWith(join('dist', 'bundle', 'cli'))) return { command: process.execPath, args: [join(dirname(here), 'main.js')] };
  const root = join(dirname(here), '..', '..');
  if (here.endsWith('.ts')) return { command: process.execPath, args: ['--import', 'tsx', join(root, 'cli', 'main.ts')] };
  const compiled = join(root, 'cli', 'main.js');
  if (!existsSync(compiled)) throw new Error(`the twophase CLI is not at ${compiled}`);
  return { command: process.execPath, args: [compiled] };
}
