import { beforeAll, describe, expect, it } from 'vitest';
import { createLinter, errors, type LintFn } from './lint-text.js';

const protocolPath = 'coordinator/protocol/fixture.ts';
const participantProtocolPath = 'participant/protocol/fixture.ts';
const adapterPath = 'coordinator/grpc/fixture.ts';

let lint: LintFn;

beforeAll(() => {
  lint = createLinter();
});

/**
 * Each case is valid, lint-clean code outside `protocol/`, and breaks exactly one
 * purity rule inside it.
 */
const cases: readonly { readonly rule: string; readonly what: string; readonly code: string }[] = [
  {
    rule: 'no-restricted-imports',
    what: 'importing node:fs',
    code: "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n",
  },
  {
    rule: 'no-restricted-imports',
    what: 'importing fs/promises',
    code: "import { readFile } from 'fs/promises';\nexport const read = readFile;\n",
  },
  {
    rule: 'no-restricted-imports',
    what: 'importing @grpc/grpc-js',
    code: "import * as grpc from '@grpc/grpc-js';\nexport const status = grpc.status;\n",
  },
  {
    rule: 'no-restricted-imports',
    what: 'importing pg',
    code: "import pg from 'pg';\nexport const Pool = pg.Pool;\n",
  },
  {
    rule: 'no-restricted-imports',
    what: 'importing failpoints',
    code: "import { defineFailpoint } from '../../lib/failpoints/failpoints.js';\nexport const define = defineFailpoint;\n",
  },
  {
    rule: 'no-restricted-properties',
    what: 'Date.now()',
    code: 'export const nowMs = (): number => Date.now();\n',
  },
  {
    rule: 'no-restricted-properties',
    what: 'Math.random()',
    code: 'export const draw = (): number => Math.random();\n',
  },
  {
    rule: 'no-restricted-properties',
    what: 'performance.now()',
    code: 'export const nowMs = (): number => performance.now();\n',
  },
  {
    rule: 'no-restricted-syntax',
    what: 'new Date()',
    code: 'export const now = (): Date => new Date();\n',
  },
  {
    rule: 'no-restricted-globals',
    what: 'setTimeout',
    code: 'export const later = (f: () => void): unknown => setTimeout(f, 10);\n',
  },
  {
    rule: 'no-restricted-globals',
    what: 'globalThis.setTimeout',
    code: 'export const later = (f: () => void): unknown => globalThis.setTimeout(f, 10);\n',
  },
  {
    rule: 'no-restricted-globals',
    what: 'queueMicrotask',
    code: 'export const soon = (f: () => void): void => queueMicrotask(f);\n',
  },
  {
    rule: 'no-restricted-globals',
    what: 'process.env',
    code: "export const home = (): string | undefined => process.env['HOME'];\n",
  },
  {
    rule: 'no-restricted-syntax',
    what: 'await at top level',
    code: 'await null;\nexport const x = 1;\n',
  },
  {
    rule: 'no-restricted-syntax',
    what: 'dynamic import()',
    code: "export const load = (): unknown => import('node:fs');\n",
  },
];

describe('protocol purity (STYLE.md rule 1)', () => {
  const table = cases.map(({ rule, what, code }) => [rule, what, code] as const);

  it.each(table)('%s: %s is an error in a protocol file', async (rule, _what, code) => {
    const messages = await lint(code, protocolPath);

    expect(errors(messages).filter((e) => e.startsWith(`${rule}:`))).toHaveLength(1);
    expect(errors(messages).join('\n')).toContain('The protocol core is pure (STYLE.md rule 1)');
  });

  it.each(table)('%s: %s is allowed outside protocol/', async (_rule, _what, code) => {
    const messages = await lint(code, adapterPath);

    expect(errors(messages)).toEqual([]);
  });

  it('no-restricted-syntax: an async function is an error in a protocol file, and so is its await', async () => {
    const code = 'export async function step(load: () => Promise<number>): Promise<number> {\n  return await load();\n}\n';

    expect(errors(await lint(code, protocolPath))).toEqual([
      expect.stringMatching(/^no-restricted-syntax: .*no async functions/),
      expect.stringMatching(/^no-restricted-syntax: .*no await/),
    ]);
    expect(errors(await lint(code, adapterPath))).toEqual([]);
  });

  it('no-restricted-syntax: async arrow functions and methods are errors in a protocol file', async () => {
    const code = 'export const f = async (): Promise<void> => {};\nexport const o = { async m(): Promise<void> {} };\n';

    expect(errors(await lint(code, protocolPath))).toHaveLength(2);
  });

  it('participant/protocol/ is held to the same rules as coordinator/protocol/', async () => {
    const code = "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\nexport const nowMs = (): number => Date.now();\n";

    expect(errors(await lint(code, participantProtocolPath))).toEqual([
      expect.stringMatching(/^no-restricted-imports: /),
      expect.stringMatching(/^no-restricted-properties: /),
    ]);
  });

  it('pure code passes: plain data, new Date(ms), a local named setTimeout, Promise in a type', async () => {
    const code = [
      'export interface Tick { readonly kind: "tick"; readonly nowMs: number }',
      'export type Later = () => Promise<void>;',
      'export function render(nowMs: number): string {',
      '  const setTimeout = (ms: number): number => nowMs + ms;',
      '  return new Date(setTimeout(5)).toISOString();',
      '}',
      '',
    ].join('\n');

    expect(errors(await lint(code, protocolPath))).toEqual([]);
  });
});
