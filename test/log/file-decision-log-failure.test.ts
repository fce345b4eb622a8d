import { open, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { FileDecisionLog, type OpenFile } from '../../coordinator/log/file-decision-log.js';
import {
  LogClosedError,
  LogCorruptError,
  LogFatalError,
  LogQueueFullError,
  LogRecordTooLargeError,
} from '../../coordinator/log/log-errors.js';
import { logRecords } from './log-records.js';
import { makeTempDir } from './make-temp-dir.js';

const { commit } = logRecords;

function ioError(syscall: string): Error {
  return Object.assign(new Error(`EIO: i/o error, ${syscall}`), { code: 'EIO', syscall });
}

describe('FileDecisionLog failures', () => {
  it('a failed fsync is fatal and not retried', async () => {
    const dir = await makeTempDir();
    let datasyncCalls = 0;
    let datasyncEntered: () => void = () => undefined;
    const entered = new Promise<void>((resolve) => (datasyncEntered = resolve));
    let failDatasync: () => void = () => undefined;
    const openFile: OpenFile = async (filePath, flags) => {
      const handle = await open(filePath, flags);
      if (filePath.endsWith('.seg')) {
        // held until the test lets it fail, so more appends can queue up behind it
        handle.datasync = () => {
          datasyncCalls++;
          datasyncEntered();
          return new Promise((_, reject) => (failDatasync = () => reject(ioError('fdatasync'))));
        };
      }
      return handle;
    };
    const onFatal = vi.fn();
    const log = new FileDecisionLog({ dir, openFile, onFatal });
    await log.open();

    const first = log.append(commit('a'), { sync: true });
    await entered;
    // queued behind the failing batch: they must fail too, without another fdatasync
    const queued = [log.append(commit('b'), { sync: true }), log.append(commit('c'), { sync: false })];
    failDatasync();

    const error = await first.catch((err: unknown) => err);
    expect(error).toBeInstanceOf(LogFatalError);
    expect(error).toMatchObject({ operation: 'datasync', cause: { code: 'EIO' } });
    for (const append of queued) await expect(append).rejects.toBe(error);
    await expect(log.append(commit('d'), { sync: true })).rejects.toBe(error);
    expect(datasyncCalls).toBe(1);
    expect(onFatal).toHaveBeenCalledTimes(1);
    expect(onFatal).toHaveBeenCalledWith(error);
    await log.close();
    expect(datasyncCalls).toBe(1);
  });

  it('a failed write is fatal and nothing is synced after it', async () => {
    const dir = await makeTempDir();
    let datasyncCalls = 0;
    const openFile: OpenFile = async (filePath, flags) => {
      const handle = await open(filePath, flags);
      if (filePath.endsWith('.seg')) {
        handle.write = () => Promise.reject(ioError('write'));
        handle.datasync = () => {
          datasyncCalls++;
          return Promise.resolve();
        };
      }
      return handle;
    };
    const onFatal = vi.fn();
    const log = new FileDecisionLog({ dir, openFile, onFatal });
    await log.open();

    await expect(log.append(commit('a'), { sync: true })).rejects.toMatchObject({
      name: 'LogFatalError',
      operation: 'write',
    });
    expect(onFatal).toHaveBeenCalledTimes(1);
    expect(datasyncCalls).toBe(0);
    await log.close();
    expect(datasyncCalls).toBe(0);
  });

  it('append after close rejects with LogClosedError', async () => {
    const dir = await makeTempDir();
    const log = new FileDecisionLog({ dir });
    await log.open();
    await log.append(commit('a'), { sync: false });
    const closing = log.close();

    await expect(log.append(commit('b'), { sync: true })).rejects.toMatchObject({ state: 'closing' });
    await closing;
    const error = await log.append(commit('c'), { sync: true }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(LogClosedError);
    expect(error).toMatchObject({ state: 'closed' });
    await log.close(); // idempotent
  });

  it('a record over recordBytesMax rejects before anything is written', async () => {
    const dir = await makeTempDir();
    const log = new FileDecisionLog({ dir });
    await log.open();
    const huge = { ...commit('huge'), participants: ['p'.repeat(64 * 1024)] };

    const error = await log.append(huge, { sync: true }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(LogRecordTooLargeError);
    expect(error).toMatchObject({ txId: 'huge', recordBytesMax: 64 * 1024 });
    expect(log.stats()).toMatchObject({ appends: 0, writes: 0 });
    // not fatal: the log goes on
    await log.append(commit('small'), { sync: true });
    await log.close();
    const reopened = new FileDecisionLog({ dir });
    expect((await reopened.open()).records).toEqual([commit('small')]);
    await reopened.close();
  });

  it('appends beyond pendingBytesMax reject instead of queueing', async () => {
    const dir = await makeTempDir();
    const log = new FileDecisionLog({ dir, recordBytesMax: 200, pendingBytesMax: 300 });
    await log.open();

    // Appends in one tick all wait for the writer: the third frame would pass 300 bytes.
    const appends = [0, 1, 2].map((i) => log.append(commit(`tx-${i}`), { sync: true }));
    await expect(appends[2]).rejects.toBeInstanceOf(LogQueueFullError);
    await Promise.all(appends.slice(0, 2));
    // once the queue drained there is room again
    await log.append(commit('tx-3'), { sync: true });
    await log.close();
  });

  it('a log whose open failed accepts no append and holds no file open', async () => {
    const dir = await makeTempDir();
    const writer = new FileDecisionLog({ dir, segmentBytesMax: 512, recordBytesMax: 256 });
    await writer.open();
    for (let i = 0; i < 12; i++) await writer.append(commit(`tx-${i}`), { sync: true });
    await writer.close();
    await writeFile(path.join(dir, '0000000000000000.seg'), 'garbage');

    const log = new FileDecisionLog({ dir });
    await expect(log.open()).rejects.toBeInstanceOf(LogCorruptError);
    await expect(log.append(commit('a'), { sync: true })).rejects.toBeInstanceOf(LogClosedError);
    await log.close();
  });
});
