import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { DevSystem } from '../support/dev-system.js';

/** What a system holds that a refused request must not add to. */
export interface StoredState {
  readonly revisions: number;
  readonly objects: readonly string[];
  readonly prepared: number;
}

async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name)).sort();
}

export async function storedState(sys: DevSystem): Promise<StoredState> {
  const [revisions] = await sys.query<{ n: string }>('SELECT count(*) AS n FROM revisions');
  const [prepared] = await sys.query<{ n: string }>('SELECT count(*) AS n FROM pg_prepared_xacts');
  return { revisions: Number(revisions?.n), objects: await files(join(sys.dir, 'blob', 'objects')), prepared: Number(prepared?.n) };
}

/** No process of dev restarted (dev says `<name> exited …` of each), and no revision, object, staged file or prepared transaction beyond `before`. */
export async function expectNoRestartAndNothingStored(sys: DevSystem, before: StoredState): Promise<void> {
  expect(sys.proc.lines.filter((l) => String(l.msg).includes(' exited ')).map((l) => l.msg), 'processes that exited').toEqual([]);
  const now = await storedState(sys);
  expect(now.revisions, 'revisions').toBe(before.revisions);
  expect(now.objects, 'objects').toEqual(before.objects);
  expect(now.prepared, 'prepared transactions').toBe(0);
  expect(await sys.stagedTxs(), 'staged files').toEqual([]);
}
