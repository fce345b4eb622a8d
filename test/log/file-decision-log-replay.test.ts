import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LogRecord } from '../../coordinator/protocol/log-record.js';
import { FileDecisionLog } from '../../coordinator/log/file-decision-log.js';
import { LogCorruptError } from '../../coordinator/log/log-errors.js';
import { logRecords } from './log-records.js';
import { makeTempDir } from './make-temp-dir.js';

const { commit, end, frameStarts } = logRecords;
const firstSegment = '0000000000000000.seg';

async function writeLog(dir: string, records: readonly LogRecord[], options: { segmentBytesMax?: number } = {}) {
  const log = new FileDecisionLog({ dir, recordBytesMax: 256, ...options });
  await log.open();
  for (const record of records) await log.append(record, { sync: true });
  await log.close();
}

async function replay(dir: string) {
  const log = new FileDecisionLog({ dir });
  const result = await log.open();
  await log.close();
  return result;
}

function flipBit(bytes: Buffer, needle: string): void {
  const at = bytes.indexOf(needle);
  expect(at).toBeGreaterThanOrEqual(0);
  // The last character of the needle: a txId digit, so the JSON stays valid and only the CRC can tell.
  const index = at + needle.length - 1;
  bytes[index] = bytes[index]! ^ 0x01;
}

describe('FileDecisionLog replay', () => {
  it('records survive close and reopen in order', async () => {
    const dir = await makeTempDir();
    const records: LogRecord[] = [commit('a', 1), commit('b', 2), end('a'), commit('c', 3), end('b')];
    const log = new FileDecisionLog({ dir });
    expect(await log.open()).toEqual({ records: [], truncatedBytes: 0 });
    // unsynced appends too: close promises to flush them
    await Promise.all(records.map((record, i) => log.append(record, { sync: i % 2 === 0 })));
    await log.close();

    expect(await replay(dir)).toEqual({ records, truncatedBytes: 0 });
    const reopened = new FileDecisionLog({ dir });
    await reopened.open();
    await reopened.append(commit('d', 4), { sync: true });
    await reopened.close();
    expect((await replay(dir)).records).toEqual([...records, commit('d', 4)]);
  });

  it('the last record torn at every byte offset is truncated and every earlier record survives', async () => {
    const source = await makeTempDir();
    const records = Array.from({ length: 5 }, (_, i) => commit(`tx-${i}`, i));
    await writeLog(source, records);
    const segment = await readFile(path.join(source, firstSegment));
    const lastStart = frameStarts(segment).at(-1)!;

    for (let offset = lastStart; offset < segment.length; offset++) {
      const dir = path.join(source, `torn-at-${offset}`);
      await mkdir(dir);
      await writeFile(path.join(dir, firstSegment), segment.subarray(0, offset));

      const torn = new FileDecisionLog({ dir });
      expect(await torn.open()).toEqual({ records: records.slice(0, -1), truncatedBytes: offset - lastStart });
      expect((await stat(path.join(dir, firstSegment))).size).toBe(lastStart);
      await torn.append(commit('after'), { sync: true });
      await torn.close();

      expect(await replay(dir)).toEqual({ records: [...records.slice(0, -1), commit('after')], truncatedBytes: 0 });
      await rm(dir, { recursive: true });
    }
  });

  it('a zero-filled tail, as a crash can leave after the file grew, is truncated', async () => {
    const dir = await makeTempDir();
    await writeLog(dir, [commit('a'), commit('b')]);
    const file = path.join(dir, firstSegment);
    const segment = await readFile(file);
    await writeFile(file, Buffer.concat([segment, Buffer.alloc(4096)]));

    expect(await replay(dir)).toEqual({ records: [commit('a'), commit('b')], truncatedBytes: 4096 });
  });

  describe('a flipped bit is caught by the CRC', () => {
    it('in the last record: the record is truncated, not returned', async () => {
      const dir = await makeTempDir();
      const records = [commit('tx-1'), commit('tx-2'), commit('tx-3')];
      await writeLog(dir, records);
      const file = path.join(dir, firstSegment);
      const segment = await readFile(file);
      const lastStart = frameStarts(segment).at(-1)!;
      flipBit(segment, '"txId":"tx-3"');
      await writeFile(file, segment);

      expect(await replay(dir)).toEqual({ records: records.slice(0, 2), truncatedBytes: segment.length - lastStart });
    });

    it('in an older segment: open rejects with LogCorruptError', async () => {
      const dir = await makeTempDir();
      await writeLog(
        dir,
        Array.from({ length: 20 }, (_, i) => commit(`tx-${i}`)),
        { segmentBytesMax: 512 },
      );
      expect((await readdir(dir)).length).toBeGreaterThan(2);
      const file = path.join(dir, firstSegment);
      const segment = await readFile(file);
      const secondStart = frameStarts(segment)[1]!;
      flipBit(segment, '"txId":"tx-1"');
      await writeFile(file, segment);

      const log = new FileDecisionLog({ dir });
      const error = await log.open().catch((err: unknown) => err);
      expect(error).toBeInstanceOf(LogCorruptError);
      expect(error).toMatchObject({ segmentPath: file, offset: secondStart, reason: 'crc-mismatch' });
      // the damaged file is evidence: open must not have cut it
      expect((await readFile(file)).equals(segment)).toBe(true);
    });
  });

  it('a segment missing from the middle is rejected as corruption', async () => {
    const dir = await makeTempDir();
    await writeLog(dir, Array.from({ length: 20 }, (_, i) => commit(`tx-${i}`)), { segmentBytesMax: 512 });
    await rm(path.join(dir, '0000000000000001.seg'));

    const error = await new FileDecisionLog({ dir }).open().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(LogCorruptError);
    expect(error).toMatchObject({ segmentPath: path.join(dir, '0000000000000001.seg'), reason: 'segment-missing' });
  });
});
