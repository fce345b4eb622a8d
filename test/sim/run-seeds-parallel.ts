import { availableParallelism } from 'node:os';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { RunSeedsOptions, SeedTotals } from './run-seeds.js';
import type { SeedBlock, SeedBlockDone } from './seed-worker.js';
import { emptyStats } from './sim-world.js';

/** Seeds per block handed to a worker: small enough to balance, large enough that messages cost nothing. */
const blockSeeds = 250;

/** The workers a run uses by default: one per core. */
export function defaultJobs(): number {
  return availableParallelism();
}

/**
 * `runSeeds` on `jobs` worker threads, each running blocks of consecutive seeds. Every seed
 * is the same deterministic run as in one thread; only the order in which results arrive
 * differs, so failures are reported sorted by seed. `maxFailures` stops handing out blocks
 * once reached (blocks in flight finish).
 */
export async function runSeedsInParallel(o: RunSeedsOptions & { readonly jobs: number }): Promise<SeedTotals> {
  const { from, count, maxFailures, onFailure, onProgress, jobs, ...options } = o;
  const totals: SeedTotals = { ...emptyStats(), seeds: 0, wallMs: 0, quiesceMsMax: 0, failures: [] };
  const started = performance.now();
  let next = from;
  const end = from + count;
  const failed: SeedBlockDone['failed'][number][] = [];
  const workerUrl = new URL(`./seed-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url);

  const runWorker = (): Promise<void> =>
    new Promise((resolve, reject) => {
      // from TypeScript (npm run sim runs through tsx), the worker registers tsx's loader first:
      // the hooks `--import tsx` set up in this thread do not reach a worker on Node 20
      const worker = workerUrl.pathname.endsWith('.ts')
        ? new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(workerUrl.href)}); });`, { eval: true })
        : new Worker(workerUrl);
      const giveNext = (): void => {
        if (next >= end || totals.failures.length >= (maxFailures ?? Infinity)) {
          void worker.terminate().then(() => resolve());
          return;
        }
        const block: SeedBlock = { ...options, from: next, count: Math.min(blockSeeds, end - next), maxFailures };
        next += block.count;
        worker.postMessage(block);
      };
      worker.on('message', (done: SeedBlockDone) => {
        const t = done.totals;
        for (const key of Object.keys(t) as (keyof SeedTotals)[]) {
          if (key === 'failures' || key === 'wallMs' || key === 'quiesceMsMax') continue;
          totals[key] += t[key];
        }
        totals.quiesceMsMax = Math.max(totals.quiesceMsMax, t.quiesceMsMax);
        totals.failures.push(...t.failures);
        failed.push(...done.failed);
        totals.wallMs = performance.now() - started;
        onProgress?.(totals.seeds, totals);
        giveNext();
      });
      worker.on('error', reject);
      giveNext();
    });

  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, Math.ceil(count / blockSeeds))) }, runWorker));
  totals.failures.sort((a, b) => a - b);
  for (const r of failed.sort((a, b) => a.seed - b.seed)) onFailure?.(r);
  totals.wallMs = performance.now() - started;
  return totals;
}
