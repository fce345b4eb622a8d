import type { LargeUploadReport } from './bench-report.js';
import { textTable } from '../lib/text-table/text-table.js';

/** The large upload's rates against the raw disk and its memory against the goal. */
export function formatLargeUpload(u: LargeUploadReport, nproc: number): string[] {
  const rssGoalMb = u.goal.rssBytesMax / 1e6;
  const rateReached = u.twophase !== undefined && u.rateRatio >= u.goal.rateRatioMin;
  const judged = u.peakRss.filter((p) => p.judged);
  const rssReached = u.twophase !== undefined && judged.length > 0 && judged.every((p) => p.bytes < u.goal.rssBytesMax);
  const out = [
    `one large upload: ${u.bytes} B (${(u.bytes / 1024 ** 3).toFixed(2)} GiB) streamed through TwoPhaseClient.uploadFile (a Readable of ${u.chunkBytes / 1024 ** 2} MiB chunks, no digest declared: the bytes first, then the revision), against the raw rate of the same disk measured just before (the same bytes written to a file in the data dir in ${u.chunkBytes / 1024 ** 2} MiB chunks, then one fdatasync)`,
    textTable(
      ['', 'seconds', 'MB/s', ''],
      [
        ['raw disk', u.raw.seconds.toFixed(2), u.raw.mbPerS.toFixed(1), ''],
        u.twophase === undefined ? ['twophase', '-', '-', `failed: ${u.error ?? '?'}`] : ['twophase', u.twophase.seconds.toFixed(2), u.twophase.mbPerS.toFixed(1), `tx ${u.twophase.txId}`],
        ['twophase ÷ raw', '', Number.isFinite(u.rateRatio) ? `${u.rateRatio.toFixed(2)}×` : '-', `goal ≥ ${u.goal.rateRatioMin}×: ${verdict(rateReached)}`],
      ],
      ['left', 'right', 'right', 'left'],
    ),
    '',
    `peak RSS during the upload (MB = 10^6 B; the kernel's VmHWM since a reset as it began, or ~ the largest VmRSS sampled every 50 ms where the reset was refused):`,
    textTable(
      ['process', 'processes', 'at start MB', 'peak MB', 'goal', ''],
      u.peakRss.map((p) => [
        p.part,
        String(p.pids.length),
        (p.startBytes / 1e6).toFixed(1),
        `${p.source === 'sampled' ? '~' : ''}${(p.bytes / 1e6).toFixed(1)}`,
        p.judged ? `< ${rssGoalMb}` : 'not judged',
        p.judged ? verdict(p.bytes < u.goal.rssBytesMax) : "PostgreSQL's own (its shared buffers count in each of its processes' RSS)",
      ]),
      ['left', 'right', 'right', 'right', 'left', 'left'],
    ),
    `  every twophase process and the bench client (under tsx: its loader thread is in its RSS) < ${rssGoalMb} MB: ${verdict(rssReached)}`,
  ];
  if (u.cpu !== undefined) {
    const parts = Object.entries(u.cpu.byPart)
      .filter(([, percent]) => percent >= 1)
      .sort((a, b) => b[1] - a[1])
      .map(([part, percent]) => `${part} ${percent.toFixed(0)}`);
    out.push(`  CPU during the upload, % of one core (${nproc} cores = ${100 * nproc}%): ${[...parts, `other programs ${u.cpu.others.toFixed(0)}`].join(', ')}`);
  }
  return out;
}

function verdict(reached: boolean): string {
  return reached ? 'reached' : 'NOT REACHED';
}
