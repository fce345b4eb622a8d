import { randomBytes } from 'node:crypto';
import { statfs } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { limits } from '../lib/limits/limits.js';
import { TwoPhaseClient } from '../sdk/two-phase-client.js';
import type { LargeUploadReport } from './bench-report.js';
import { CpuSampler, postgresPart } from './cpu-sampler.js';
import type { DevSystem } from './dev-system.js';
import { measureDiskWriteRate } from './measure-disk-write-rate.js';
import { PeakRssProbe, type RssTarget } from './peak-rss-probe.js';

/** The chunks of the raw write and of the upload's stream (the SDK cuts them into its own Put messages). */
const chunkBytes = 1024 ** 2;
const rssSampleIntervalMs = 50;
/** Free space left over on the data dir's file system beyond the upload itself, at least. */
const diskSpareBytes = 256 * 1024 ** 2;

/**
 * What a large upload is held to: close to the disk's own rate, and memory that does not
 * grow with the upload (a process holding the bytes would need their size).
 */
export const largeUploadGoal = { rateRatioMin: 0.8, rssBytesMax: 150 * 1000 * 1000 } as const;

/**
 * ONE upload of `bytes` streamed through TwoPhaseClient.uploadFile (a Readable of 1 MiB
 * chunks, no digest declared: the bytes go first, then the revision), against the raw rate
 * of the same disk measured just before, with the peak RSS of every process and the CPU
 * each used during the upload. The chunks are one random buffer repeated, so that making
 * the bytes costs neither side anything.
 */
export async function measureLargeUpload(dev: DevSystem, sampler: CpuSampler, bytes: number, namespace: string, progress: (text: string) => void): Promise<LargeUploadReport> {
  const fs = await statfs(dev.dir);
  const freeBytes = fs.bavail * fs.bsize;
  if (freeBytes < bytes + diskSpareBytes) throw new Error(`--large-upload-bytes ${bytes} needs ${bytes + diskSpareBytes} bytes free in ${dev.dir}; ${freeBytes} are`);
  const chunk = randomBytes(chunkBytes);
  progress(`large upload: the disk's raw rate for ${bytes} B…`);
  const raw = await measureDiskWriteRate(dev.dir, bytes, chunk);
  progress(`large upload: raw ${raw.mbPerS.toFixed(1)} MB/s; ${bytes} B through TwoPhaseClient.uploadFile…`);

  const client = new TwoPhaseClient({ coordinator: dev.coordinator, streamTimeoutMs: limits.sdkStreamTimeoutMsDefault });
  await client.connect();
  let twophase: LargeUploadReport['twophase'];
  let error: string | undefined;
  const probe = PeakRssProbe.start(rssTargets(sampler), rssSampleIntervalMs);
  const cpuFrom = sampler.sample();
  try {
    const t0 = performance.now();
    // the tx lives as long as the stream may take, not the coordinator's default minute
    const result = await client.uploadFile({ namespace, path: `large/${bytes}`, content: Readable.from(chunksOf(bytes, chunk)), timeoutMs: limits.sdkStreamTimeoutMsDefault });
    const seconds = (performance.now() - t0) / 1000;
    if (result.size !== bytes) throw new Error(`the upload stored ${result.size} bytes, not ${bytes}`);
    twophase = { seconds, mbPerS: bytes / 1e6 / seconds, txId: result.txId };
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
  } finally {
    client.close();
  }
  const cpu = CpuSampler.usage(cpuFrom, sampler.sample());
  const peakRss = probe.stop();
  return {
    bytes,
    chunkBytes,
    raw,
    twophase,
    error,
    rateRatio: twophase === undefined ? NaN : twophase.mbPerS / raw.mbPerS,
    peakRss,
    cpu,
    goal: largeUploadGoal,
  };
}

function* chunksOf(bytes: number, chunk: Buffer): Generator<Buffer> {
  for (let left = bytes; left > 0; left -= chunk.byteLength) yield left >= chunk.byteLength ? chunk : chunk.subarray(0, left);
}

/**
 * Every process of the run, as the CPU sampler names them: the bench, dev and its children
 * (judged), and PostgreSQL's server as it is when the upload begins (its own, not judged).
 */
function rssTargets(sampler: CpuSampler): RssTarget[] {
  return [...sampler.sample().names].map(([pid, part]) => ({ part, pid, judged: part !== postgresPart }));
}
