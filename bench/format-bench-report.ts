import type { BenchReport, LevelReport } from './bench-report.js';
import { formatLargeUpload } from './format-large-upload.js';
import { textTable } from '../lib/text-table/text-table.js';

/** The report as plain-text tables for a terminal. */
export function formatBenchReport(report: BenchReport): string {
  const m = report.machine;
  const out: string[] = [
    `twophase bench — ${report.date}`,
    `machine: ${m.nproc} CPU(s), ${m.cpuModel}, ${(m.memTotalBytes / 1024 ** 3).toFixed(1)} GiB RAM, node ${m.node}, ${m.kernel}${m.gitCommit === undefined ? '' : `, commit ${m.gitCommit}`}`,
    `disk: one 4 KiB write + fdatasync in the data dir: p50 ${ms(m.fdatasync4KiBMs.p50)} ms, p99 ${ms(m.fdatasync4KiBMs.p99)} ms`,
    ...workloadLines(report),
    '',
  ];
  if (report.levels.length > 0) out.push(...levelTable(report.levels), '');
  if (report.gatewayLevels.length > 0) out.push('through HTTP (the same table, for the gateway levels):', ...levelTable(report.gatewayLevels), '');
  if (report.largeUpload !== undefined) out.push(...formatLargeUpload(report.largeUpload, report.machine.nproc), '');
  const d = report.decisionLog;
  out.push(
    d === undefined
      ? 'decision log: no `decision log stats` line found (see notes)'
      : `decision log (whole run, warm-ups included): ${d.syncedCommits} commits in ${d.syncs} fdatasyncs = ${d.commitsPerSync.toFixed(2)} committed txs per fdatasync  [${d.source}]`,
  );
  out.push('', ...cpuTable(report), ...countsTable(report));
  if (report.notes.length > 0) out.push('', 'notes:', ...report.notes.map((n) => `  - ${n}`));
  out.push('', `total bench time ${report.totalS.toFixed(0)} s`);
  return out.join('\n');
}

/** What the levels run, and how each system is reached; none when only the large upload ran. */
function workloadLines(report: BenchReport): string[] {
  const s = report.settings;
  const out: string[] = [];
  if (report.levels.length > 0 || report.gatewayLevels.length > 0) {
    out.push(
      `workload: ${s.uploadBytes} B uploads, unique path and random bytes each; per run ${s.warmupS} s warm-up + ${s.durationS} s measured, closed loop; ${s.repeat} run(s) of each system per level, alternated (baseline, twophase, …); compiled CLI, dev --log-level ${s.logLevel} --commit-mode ${s.commitMode} --decision-log ${s.decisionLog ?? 'file'}`,
    );
  } else {
    out.push(`workload: the large upload alone; compiled CLI, dev --log-level ${s.logLevel} --commit-mode ${s.commitMode} --decision-log ${s.decisionLog ?? 'file'}`);
  }
  const commit =
    s.commitMode === 'last-resource'
      ? 'Begin, put blob, stage revision, Commit: prepare blob, one-phase COMMIT at metadata with the decision marker — the commit point —, commit blob'
      : `Begin, put blob, stage revision, Commit: prepare both, log decision (${s.decisionLog === 'shared' ? 'a row inserted in the shared log in PostgreSQL' : 'fdatasync of the file log'}), commit both`;
  const notAtomic = 'then one autocommit INSERT (no coordinator, not atomic)';
  if (report.levels.length > 0) {
    out.push(`  twophase = TwoPhaseClient.uploadFile (${commit})`, `  baseline = write file + fsync + fsync dir, ${notAtomic}`);
  }
  if (report.gatewayLevels.length > 0) {
    out.push(
      '  through HTTP: one node:http client with keep-alive connections, one per upload in flight; each PUT declares Content-Length and X-Content-SHA256',
      `  twophase = PUT /v1/files/… to the gateway (it streams the body into TwoPhaseClient.uploadFile: ${commit})`,
      `  baseline = PUT to a naive node:http server, its own process on the same PostgreSQL and disk (bench/run-baseline-server.ts, under tsx): the body written to a file as it arrives + fsync + fsync dir, ${notAtomic}`,
    );
  }
  return out;
}

function levelTable(levels: readonly LevelReport[]): string[] {
  return [
    textTable(
      ['clients', 'twophase tx/s', 'p50 ms', 'p99 ms', 'baseline tx/s', 'p50 ms', 'p99 ms', 'ratio tx/s', 'errors 2pc/base'],
      levels.map((l) => [
        String(l.concurrency),
        l.twophase.txPerS.toFixed(1),
        ms(l.twophase.latencyMs.p50),
        ms(l.twophase.latencyMs.p99),
        l.baseline.txPerS.toFixed(1),
        ms(l.baseline.latencyMs.p50),
        ms(l.baseline.latencyMs.p99),
        `${l.txPerSRatio.toFixed(2)}×`,
        `${l.twophase.errors}/${l.baseline.errors}`,
      ]),
    ),
    '  each row: the run of median tx/s of each system; ratio = median ÷ median. tx/s of every run, in order:',
    ...levels.map(
      (l) => `  c=${l.concurrency}: twophase ${l.runsTxPerS.twophase.map((v) => v.toFixed(1)).join(' / ')}; baseline ${l.runsTxPerS.baseline.map((v) => v.toFixed(1)).join(' / ')}`,
    ),
  ];
}

/** The column name of a level: gateway levels are marked `http`. */
function levelColumn(l: LevelReport, system?: '2pc' | 'base'): string {
  return `${l.via === 'gateway' ? 'http ' : ''}${system === undefined ? '' : `${system} `}c=${l.concurrency}`;
}

function cpuTable(report: BenchReport): string[] {
  const levels = [...report.levels, ...report.gatewayLevels];
  const systemRuns = levels.flatMap((l) => [l.twophase, l.baseline]);
  const runs = [report.idleCpu, ...systemRuns.map((run) => run.cpu)];
  const parts = new Set<string>();
  for (const cpu of runs) for (const name of Object.keys(cpu?.byPart ?? {})) parts.add(name);
  if (parts.size === 0) return [];
  const cell = (v: number | undefined): string => (v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(0));
  const rows = [
    ...[...parts].map((name) => [name, ...runs.map((cpu) => cell(cpu?.byPart[name]))]),
    // what one upload costs in CPU across the bench and every part it talks to: what caps tx/s when cores run out
    ['= CPU ms per upload, all above', '', ...systemRuns.map((run) => cpuMsPerUpload(run.cpu?.byPart, run.txPerS))],
    ['other programs', ...runs.map((cpu) => cell(cpu?.others))],
    ['machine busy, % of all cores', ...runs.map((cpu) => cell(cpu?.machineBusyPercent))],
    ['machine iowait, % of all cores', ...runs.map((cpu) => cell(cpu?.machineIowaitPercent))],
  ];
  return [
    `CPU during the measured window, % of one core (${report.machine.nproc} cores = ${100 * report.machine.nproc}%):`,
    textTable(['process', 'idle', ...levels.flatMap((l) => [levelColumn(l, '2pc'), levelColumn(l, 'base')])], rows),
  ];
}

/** Per upload, what each process counted itself (Admin.GetStats over the measured window). */
function countsTable(report: BenchReport): string[] {
  const levels = [...report.levels, ...report.gatewayLevels];
  const keys = new Set<string>();
  for (const l of levels) {
    for (const [process, counts] of Object.entries(l.twophase.countsPerUpload ?? {})) for (const key of Object.keys(counts)) keys.add(`${process} ${key}`);
  }
  if (keys.size === 0) return [];
  const rows = [...keys].sort().map((row) => {
    const [process = '', key = ''] = row.split(' ');
    return [`${process} ${key.replace(/^twophase_/, '').replace('_total', '')}`, ...levels.map((l) => {
      const v = l.twophase.countsPerUpload?.[process]?.[key];
      return v === undefined ? '-' : v.toFixed(2);
    })];
  });
  return [
    '',
    "per twophase upload, from each process's own counters (Admin.GetStats, measured window):",
    textTable(['process counter', ...levels.map((l) => levelColumn(l))], rows),
  ];
}

function cpuMsPerUpload(byPart: Record<string, number> | undefined, txPerS: number): string {
  if (byPart === undefined || txPerS <= 0) return '-';
  const coreShare = Object.values(byPart).reduce((a, b) => a + b, 0) / 100;
  return ms((1000 * coreShare) / txPerS);
}

function ms(value: number): string {
  if (!Number.isFinite(value)) return '-';
  return value < 10 ? value.toFixed(2) : value.toFixed(1);
}
