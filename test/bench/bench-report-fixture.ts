import type { BenchReport, LevelReport, LevelVia, SystemRun } from '../../bench/bench-report.js';
import type { CpuUsage } from '../../bench/cpu-sampler.js';

/** CPU use with the given parts, nothing else on the machine. */
export function cpuUsage(byPart: Record<string, number>): CpuUsage {
  return { byPart, others: 0, othersTop: [], machineBusyPercent: 50, machineIowaitPercent: 1 };
}

function systemRun(concurrency: number, txPerS: number, cpu: CpuUsage): SystemRun {
  return {
    concurrency,
    ops: Math.round(txPerS * 10),
    errors: 0,
    errorSamples: [],
    windowS: 10,
    opsMaxReached: false,
    txPerS,
    latencyMs: { count: Math.round(txPerS * 10), p50: 1000 / txPerS, p99: 3000 / txPerS, mean: 1000 / txPerS, max: 5000 / txPerS },
    cpu,
  };
}

/** One level: twophase at `twophaseTxPerS`, the baseline at `baselineTxPerS`. */
export function level(via: LevelVia, concurrency: number, twophaseTxPerS: number, baselineTxPerS: number): LevelReport {
  const parts: Record<string, number> = via === 'gateway' ? { gateway: 20 } : {};
  return {
    via,
    concurrency,
    twophase: {
      ...systemRun(concurrency, twophaseTxPerS, cpuUsage({ 'bench (client)': 10, coordinator: 30, blob: 40, ...parts })),
      pendingCommits: 0,
      resourceExhaustedRetries: 0,
      countsPerUpload: { coordinator: { 'twophase_fsyncs_total{target="log"}': 0.5 }, blob: {}, metadata: {} },
    },
    baseline: systemRun(concurrency, baselineTxPerS, cpuUsage(via === 'gateway' ? { 'bench (client)': 10, 'baseline server': 30 } : { 'bench (client)': 40 })),
    txPerSRatio: twophaseTxPerS / baselineTxPerS,
    runsTxPerS: { twophase: [twophaseTxPerS], baseline: [baselineTxPerS] },
  };
}

/** A whole report of the given parts, as run-bench makes it. */
export function benchReport(parts: Pick<BenchReport, 'levels' | 'gatewayLevels' | 'largeUpload'>): BenchReport {
  return {
    date: '2026-12-03T00:00:00.000Z',
    machine: {
      nproc: 2,
      cpuModel: 'a CPU',
      memTotalBytes: 8 * 1024 ** 3,
      node: 'v20.0.0',
      kernel: 'Linux 6',
      gitCommit: 'abc1234',
      fdatasync4KiBMs: { count: 200, p50: 0.5, p99: 2, mean: 0.6, max: 3 },
    },
    settings: {
      uploadBytes: 4096,
      warmupS: 2,
      durationS: 10,
      concurrency: [4],
      opsMaxPerRun: 200_000,
      logLevel: 'warn',
      commitMode: 'two-phase',
      repeat: 1,
      sdk: parts.levels.length > 0,
      gateway: parts.gatewayLevels.length > 0,
      largeUploadBytes: parts.largeUpload?.bytes,
    },
    idleCpu: cpuUsage({ coordinator: 1 }),
    ...parts,
    decisionLog: { syncs: 10, syncedCommits: 20, commitsPerSync: 2, source: 'a test' },
    notes: [],
    totalS: 60,
  };
}
