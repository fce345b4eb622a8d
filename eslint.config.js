// @ts-check
/**
 * Lint configuration (flat config). typescript-eslint's recommended rules without
 * type information, to keep `npm run lint` fast, plus the house rules that a
 * reviewer should never have to enforce by hand:
 *
 * - protocol purity (STYLE.md rule 1): `*\/protocol/` is a pure state machine, so
 *   the same code runs in production and in the deterministic simulator. It may
 *   not do I/O, read a clock, draw randomness, touch the process, schedule work,
 *   or await. Time and randomness arrive as inputs instead.
 * - no `console` outside the CLI, tests and benchmarks (STYLE.md rule 11): servers
 *   log structured lines through pino.
 * - layering (DESIGN.md, "Layout"): dependencies point inward. `*\/protocol/` imports
 *   only `lib/`; `lib/` imports nothing of the project above it (`proto/`, the wire
 *   contract, is below everything); adapters import the interfaces their core owns,
 *   never each other; the processes (coordinator, participants, SDK, gateway) share
 *   only `lib/` and `proto/`; nothing ships that imports tests or benchmarks.
 *   `import-x/no-restricted-paths` checks the resolved file of every import, type-only
 *   ones included, so `../x/../y` tricks do not get past it.
 */
import { defineConfig, globalIgnores } from 'eslint/config';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const purity = 'The protocol core is pure (STYLE.md rule 1):';

/** Modules that do I/O, schedule work or read the environment. */
const impureModules = [
  ['fs', 'fs/promises', 'net', 'child_process', 'timers', 'timers/promises'],
  ['http', 'https', 'http2', 'dgram', 'dns', 'tls', 'os', 'process', 'perf_hooks', 'worker_threads'],
]
  .flat()
  .flatMap((name) => [name, `node:${name}`]);

const layering = 'Dependencies point inward (DESIGN.md, Layout):';

/** The repository's top-level folders of code. */
const codeFolders = ['proto', 'lib', 'coordinator', 'participant', 'sdk', 'gateway', 'sync', 'chaos', 'cli', 'test', 'bench'];

/**
 * Every code folder but `allowed`: the `from` of a zone whose target may import only those.
 * @param {...string} allowed
 */
const allBut = (...allowed) => codeFolders.filter((folder) => !allowed.includes(folder));

/**
 * The zones of `import-x/no-restricted-paths`: files under `target` may not import files
 * under `from` (but for `except`, relative to `from`). Paths are relative to this file.
 */
const layers = [
  {
    target: 'proto',
    from: allBut('proto'),
    message: `${layering} proto/ is the wire contract every part shares; it imports nothing of theirs.`,
  },
  {
    target: 'lib',
    from: allBut('lib', 'proto'),
    message: `${layering} lib/ imports nothing of the project above it; move what both need into lib/, or pass it in.`,
  },
  ...['coordinator', 'participant'].flatMap((side) => [
    {
      target: `${side}/protocol`,
      from: side,
      except: ['./protocol'],
      message: `${layering} ${side}/protocol/ imports only lib/; the types it decides on (records, effects, inputs) are its own.`,
    },
    {
      target: `${side}/protocol`,
      from: allBut('lib', side),
      message: `${layering} ${side}/protocol/ imports only lib/ (not even proto/: the grpc/ adapter translates the wire).`,
    },
  ]),
  {
    target: 'coordinator/log',
    from: 'coordinator',
    except: ['./log', './protocol'],
    message: `${layering} a decision log adapter imports only its own interface and the protocol's record types.`,
  },
  {
    target: 'coordinator/grpc',
    from: 'coordinator/log',
    message: `${layering} adapters never import each other; the runtime owns the DecisionLog it is given.`,
  },
  ...[
    ['participant/blob', ['participant/metadata', 'participant/grpc']],
    ['participant/metadata', ['participant/blob', 'participant/grpc']],
    ['participant/grpc', ['participant/blob', 'participant/metadata']],
  ].map(([target, from]) => ({
    target,
    from,
    message: `${layering} adapters never import each other; share through what participant/ owns (resource-manager.ts, participant-errors.ts, to-service-error.ts).`,
  })),
  .../** @type {[string, string[]][]} */ ([
    ['coordinator', allBut('lib', 'proto', 'coordinator')],
    ['participant', allBut('lib', 'proto', 'participant')],
    ['sdk', allBut('lib', 'proto', 'sdk')],
    ['gateway', allBut('lib', 'sdk', 'gateway')],
    ['sync', allBut('lib', 'sdk', 'sync')],
    ['chaos', allBut('lib', 'proto', 'chaos')],
  ]).map(([target, from]) => ({
    target,
    from,
    message: `${layering} ${target}/ is its own process (or library) and shares only ${codeFolders.filter((f) => !from.includes(f) && f !== target).map((f) => `${f}/`).join(' and ')} with the others.`,
  })),
  {
    target: 'cli',
    from: ['test', 'bench'],
    message: `${layering} the shipped command never imports tests or benchmarks.`,
  },
];

export default defineConfig([
  globalIgnores([
    '**/node_modules/',
    '**/dist/',
    'coverage/',
    '.twophase/',
    'proto/gen/',
    // fixtures that are wrong on purpose (e.g. to test a lint rule) live here
    'test/**/fixtures/bad/',
    // linted by test/lint/layering.test.ts as the files they stand for (lib/…, participant/…)
    'test/lint/fixtures/layering/',
  ]),

  {
    files: ['**/*.{ts,mts,cts,js,mjs,cjs}'],
    extends: [tseslint.configs.recommended],
    rules: {
      // `_`-prefixed names are the conventional way to say "deliberately unused"
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
      'no-console': 'error',
    },
  },

  {
    files: ['**/*.{ts,mts,cts,js,mjs,cjs}'],
    plugins: { 'import-x': importX },
    settings: {
      // imports name the compiled `.js`; the source beside it is `.ts`
      'import-x/resolver-next': [createNodeResolver({ extensionAlias: { '.js': ['.ts', '.js'] } })],
    },
    rules: {
      'import-x/no-restricted-paths': ['error', { basePath: import.meta.dirname, zones: layers }],
    },
  },

  {
    files: ['cli/**', 'test/**', 'bench/**'],
    rules: {
      // the CLI's output is its interface; tests and benchmarks report to a human
      'no-console': 'off',
    },
  },

  {
    files: ['**/protocol/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...impureModules.map((name) => ({
              name,
              message: `${purity} no I/O, clock or scheduling; the runtime does that and feeds the result in as an input.`,
            })),
            {
              name: 'crypto',
              importNames: ['randomBytes', 'randomInt', 'randomUUID', 'randomFill', 'randomFillSync', 'getRandomValues'],
              message: `${purity} randomness is an input (a seeded generator in the simulator).`,
            },
            {
              name: 'node:crypto',
              importNames: ['randomBytes', 'randomInt', 'randomUUID', 'randomFill', 'randomFillSync', 'getRandomValues'],
              message: `${purity} randomness is an input (a seeded generator in the simulator).`,
            },
            { name: 'pg', message: `${purity} storage belongs to the adapters.` },
            { name: 'pino', message: `${purity} return effects; the runtime logs them.` },
          ],
          patterns: [
            { group: ['@grpc/*'], message: `${purity} the wire belongs to the grpc/ adapter.` },
            {
              group: ['**/failpoints/*'],
              message: `${purity} failpoints await and crash; put them in the runtime around the effects.`,
            },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: `${purity} time is an input ({ kind: 'tick', nowMs }).` },
        { object: 'Math', property: 'random', message: `${purity} randomness is an input.` },
        { object: 'performance', property: 'now', message: `${purity} time is an input.` },
      ],
      'no-restricted-globals': [
        'error',
        {
          // also catches globalThis.setTimeout and friends
          checkGlobalObject: true,
          globals: [
            ...['setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask', 'requestAnimationFrame'].map(
              (name) => ({ name, message: `${purity} deadlines live in state and fire on a tick input.` }),
            ),
            { name: 'fetch', message: `${purity} no I/O.` },
            { name: 'process', message: `${purity} configuration and the environment are inputs.` },
            { name: 'performance', message: `${purity} time is an input.` },
            { name: 'crypto', message: `${purity} randomness is an input.` },
            { name: 'Promise', message: `${purity} step() is synchronous; the runtime does the waiting.` },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: 'NewExpression[callee.name="Date"][arguments.length=0]',
          message: `${purity} new Date() reads the clock; time is an input ({ kind: 'tick', nowMs }).`,
        },
        {
          selector: 'CallExpression[callee.name="Date"]',
          message: `${purity} Date() reads the clock; time is an input.`,
        },
        {
          selector: 'AwaitExpression',
          message: `${purity} no await: step() returns effects and the runtime carries them out.`,
        },
        {
          selector: 'ForOfStatement[await=true]',
          message: `${purity} no for await: step() returns effects and the runtime carries them out.`,
        },
        {
          selector: 'ImportExpression',
          message: `${purity} no dynamic import: it is I/O and returns a promise.`,
        },
        {
          selector: ':function[async=true]',
          message: `${purity} no async functions: step() returns effects and the runtime carries them out.`,
        },
      ],
    },
  },
]);
