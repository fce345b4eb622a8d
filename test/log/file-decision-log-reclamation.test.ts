import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileDecisionLog } from '../../coordinator/log/file-decision-log.js';
import { logRecords } from './log-records.js';
import { makeTempDir } from './make-temp-dir.js';

const { commit, end, unended } = logRecords;
// these tests check the mechanics of reclamation: no retention delay
const smallSegments = { segmentBytesMax: 512, recordBytesMax: 256, reclaimDelayMs: 0 };

async function segmentFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.endsWith('.seg')).sort();
}

async function segmentHolding(dir: string, needle: string): Promise<string> {
  for (const name of await segmentFiles(dir)) {
    if ((await readFile(path.join(dir, name))).includes(needle)) return name;
  }
  throw new Error(`no segment holds ${needle}`);
}

describe('FileDecisionLog reclamation', () => {
  it('ended segments are reclaimed', async () => {
    const dir = await makeTempDir();
    const txIds = Array.from({ length: 20 }, (_, i) => `tx-${i}`);
    const log = new FileDecisionLog({ dir, ...smallSegments });
    await log.open();
    for (const txId of txIds) await log.append(commit(txId), { sync: true });
    const written = await segmentFiles(dir);
    const pinned = await segmentHolding(dir, '"txId":"tx-12"');
    expect(written.indexOf(pinned)).toBeGreaterThan(0);

    for (const txId of txIds) if (txId !== 'tx-12') await log.append(end(txId), { sync: true });

    // Every segment before the one with the un-ended commit is gone; that one and all
    // after it stay, because only a prefix is deleted.
    const left = await segmentFiles(dir);
    expect(left[0]).toBe(pinned);
    expect(left).toEqual(expect.arrayContaining(written.slice(written.indexOf(pinned))));
    expect(log.stats().segmentsDeleted).toBe(written.indexOf(pinned));
    expect(log.stats().segments).toBe(left.length);
    await log.close();

    const reopened = new FileDecisionLog({ dir, ...smallSegments });
    const { records } = await reopened.open();
    // the ends of reclaimed commits are still there, without their commits, and are skipped
    expect(records).toContainEqual(end('tx-0'));
    expect(records).not.toContainEqual(commit('tx-0'));
    expect(unended(records)).toEqual(['tx-12']);

    await reopened.append(end('tx-12'), { sync: true });
    expect(await segmentFiles(dir)).toHaveLength(1);
    expect(reopened.stats()).toMatchObject({ segments: 1, segmentsDeleted: left.length - 1 });
    await reopened.close();
    const last = new FileDecisionLog({ dir });
    expect(unended((await last.open()).records)).toEqual([]);
    await last.close();
  });

  it('a segment whose commits ended before a crash is reclaimed on open', async () => {
    const dir = await makeTempDir();
    const log = new FileDecisionLog({ dir, reclaimDelayMs: 0 });
    await log.open();
    await log.append(commit('a'), { sync: true });
    await log.append(end('a'), { sync: true });
    await log.close();
    // A crash right after rotating to a new segment, before the ended one was deleted.
    await writeFile(path.join(dir, '0000000000000001.seg'), '');

    const reopened = new FileDecisionLog({ dir, reclaimDelayMs: 0 });
    expect((await reopened.open()).records).toEqual([commit('a'), end('a')]);
    expect(await segmentFiles(dir)).toEqual(['0000000000000001.seg']);
    expect(reopened.stats()).toMatchObject({ segments: 1, segmentsDeleted: 1 });
    await reopened.close();
  });

  it('an ended segment is kept for the reclaim delay, so a restarted coordinator still knows its commits', async () => {
    const dir = await makeTempDir();
    let now = 1_000_000;
    const options = { dir, segmentBytesMax: 512, recordBytesMax: 256, reclaimDelayMs: 60_000, nowMs: () => now };
    const log = new FileDecisionLog(options);
    await log.open();
    const txIds = Array.from({ length: 12 }, (_, i) => `tx-${i}`);
    for (const txId of txIds) await log.append(commit(txId), { sync: true });
    for (const txId of txIds.slice(0, 6)) await log.append(end(txId), { sync: true });
    const before = (await segmentFiles(dir)).length;
    expect(log.stats().segmentsDeleted).toBe(0);
    now += 59_999;
    await log.append(end('tx-6'), { sync: true });
    expect(log.stats().segmentsDeleted).toBe(0);
    await log.close();
    // a restart within the delay replays the ended commits: GetOutcome can still say committed
    const reopened = new FileDecisionLog(options);
    expect((await reopened.open()).records).toContainEqual(commit('tx-0'));
    now += 60_001;
    await reopened.append(end('tx-7'), { sync: true });
    expect(reopened.stats().segmentsDeleted).toBeGreaterThan(0);
    expect((await segmentFiles(dir)).length).toBeLessThan(before);
    await reopened.close();
  });
});
