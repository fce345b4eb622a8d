import { expect, it } from 'vitest';
import { runSyncSoak } from '../sync/sync-soak.js';

// a short run of `npm run sync:soak` (whose default is 1,000 paths and 3,000 operations)
it('two sync clients and an API writer through random creates, edits, renames and deletes, with the coordinator and a participant SIGKILLed: both folders converge to the server, no write is lost, no private path gets a conflicted copy', async () => {
  const report = await runSyncSoak({ seed: 7, files: 120, ops: 300, opGapMs: 15, kills: 2 });
  expect(report.diverged).toEqual([]);
  expect(report.lostWrites).toEqual([]);
  expect(report.conflictedCopiesOfPrivatePaths).toEqual([]);
  expect(report.kills.length).toBe(2);
  // the run did what it is for: writes, concurrent ones, and conflicts among them
  expect(report.writes).toBeGreaterThan(150);
  expect(report.ops['shared concurrent edit'] ?? 0).toBeGreaterThan(5);
  expect(report.conflictedCopies).toBeGreaterThan(0);
}, 240_000);
