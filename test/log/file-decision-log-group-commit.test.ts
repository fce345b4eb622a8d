import { open } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { FileDecisionLog, type OpenFile } from '../../coordinator/log/file-decision-log.js';
import { logRecords } from './log-records.js';
import { makeTempDir } from './make-temp-dir.js';

const { commit } = logRecords;

function commitsPerSync(log: FileDecisionLog): string {
  const { syncedCommits, syncs } = log.stats();
  return `${(syncedCommits / syncs).toFixed(1)} commits per fdatasync (${syncedCommits} commits, ${syncs} fdatasyncs)`;
}

describe('FileDecisionLog group commit', () => {
  it('64 concurrent decisions share far fewer than 64 fsyncs', async () => {
    const dir = await makeTempDir();
    const log = new FileDecisionLog({ dir });
    await log.open();

    await Promise.all(Array.from({ length: 64 }, (_, i) => log.append(commit(`tx-${i}`), { sync: true })));

    console.log(`64 concurrent decisions: ${commitsPerSync(log)}`);
    expect(log.stats()).toMatchObject({ appends: 64, syncedCommits: 64 });
    expect(log.stats().syncs).toBeLessThanOrEqual(8);
    await log.close();
  });

  it('decisions arriving while an fdatasync runs share the next one', async () => {
    const dir = await makeTempDir();
    const log = new FileDecisionLog({ dir });
    await log.open();

    // 64 decisions spread over ~10 ms, as requests from many clients would arrive.
    await Promise.all(
      Array.from({ length: 64 }, async (_, i) => {
        await sleep(i % 10);
        await log.append(commit(`tx-${i}`), { sync: true });
      }),
    );

    console.log(`64 decisions over ~10 ms: ${commitsPerSync(log)}`);
    expect(log.stats().syncedCommits).toBe(64);
    expect(log.stats().syncs).toBeLessThan(64);
    await log.close();
  });

  it('a batch holds at most batchRecordsMax records', async () => {
    const dir = await makeTempDir();
    const log = new FileDecisionLog({ dir, batchRecordsMax: 3 });
    await log.open();

    await Promise.all(Array.from({ length: 10 }, (_, i) => log.append(commit(`tx-${i}`), { sync: true })));

    expect(log.stats()).toMatchObject({ writes: 4, syncs: 4 });
    await log.close();
  });

  it('appends without sync are written but not fdatasynced', async () => {
    const dir = await makeTempDir();
    const log = new FileDecisionLog({ dir });
    await log.open();

    await log.append(commit('a'), { sync: false });

    expect(log.stats()).toMatchObject({ appends: 1, writes: 1, syncs: 0, syncedCommits: 0 });
    await log.close();
    expect(log.stats().syncs).toBe(1); // close flushes
  });

  it('a segment is fdatasynced before the next segment is created', async () => {
    const dir = await makeTempDir();
    const events: string[] = [];
    const openFile: OpenFile = async (filePath, flags) => {
      const handle = await open(filePath, flags);
      const name = path.basename(filePath);
      if (flags === 'wx') events.push(`create ${name}`);
      const datasync = handle.datasync.bind(handle);
      handle.datasync = () => {
        events.push(`datasync ${name}`);
        return datasync();
      };
      return handle;
    };
    const log = new FileDecisionLog({ dir, segmentBytesMax: 512, recordBytesMax: 256, openFile });
    await log.open();

    // Unsynced records fill the first segment; a synced record in the second must not be
    // durable while the first segment's records are not.
    for (let i = 0; i < 6; i++) await log.append(commit(`tx-${i}`), { sync: false });
    await log.append(commit('synced'), { sync: true });

    expect(events).toEqual([
      'create 0000000000000000.seg',
      'datasync 0000000000000000.seg',
      'create 0000000000000001.seg',
      'datasync 0000000000000001.seg',
    ]);
    await log.close();
  });
});
