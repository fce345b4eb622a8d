import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Settings shared by `npm run bench` and `npm run bench:profile`. */
export const benchRun = {
  repoDir: join(dirname(fileURLToPath(import.meta.url)), '..'),
  /** The namespace every upload goes to. */
  namespace: 'bench',
  /** Failed uploads tolerated per run before it stops: a few are reported, many mean a broken system. */
  errorsMax: 100,
  /** How long uploads in flight may take after a window closes (the SDK's own call deadline is 10 s). */
  drainMsMax: 60_000,
  /** How long `twophase dev` may take to start (the first start runs initdb). */
  startTimeoutMs: 120_000,
} as const;
