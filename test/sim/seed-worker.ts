/**
 * A worker thread of `runSeedsInParallel`: runs the blocks of seeds it is sent, one at a
 * time, and answers each with its totals and failures.
 */
import { parentPort } from 'node:worker_threads';
import { runSeeds, type RunSeedsOptions } from './run-seeds.js';
import type { SimResult } from './simulate.js';

export type SeedBlock = Omit<RunSeedsOptions, 'onFailure' | 'onProgress'>;
export type SeedBlockDone = { readonly totals: Awaited<ReturnType<typeof runSeeds>>; readonly failed: readonly SimResult[] };

const port = parentPort;
if (port === null) throw new Error('seed-worker.ts runs as a worker thread of runSeedsInParallel');
port.on('message', (block: SeedBlock) => {
  const failed: SimResult[] = [];
  runSeeds({ ...block, onFailure: (r) => failed.push(r) }).then(
    (totals) => port.postMessage({ totals, failed } satisfies SeedBlockDone),
    (err: unknown) => {
      throw err;
    },
  );
});
