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
 */
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

const purity = 'The protocol core is pure (STYLE.md rule 1):';

/** Modules that do I/O, schedule work or read the environment. */
const impureModules = [
  ['fs', 'fs/promises', 'net', 'child_process', 'timers', 'timers/promises'],
  ['http', 'https', 'http2', 'dgram', 'dns', 'tls', 'os', 'process', 'perf_hooks', 'worker_threads'],
]
  .flat()
  .flatMap((name) => [name, `node:${name}`]);

export default defineConfig([
  globalIgnores([
    '**/node_modules/',
    '**/dist/',
    'coverage/',
    '.twophase/',
    'proto/gen/',
    // fixtures that are wrong on purpose (e.g. to test a lint rule) live here
    'test/**/fixtures/bad/',
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
