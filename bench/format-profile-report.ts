import type { ProcessProfile, ProfileReport } from './profile-report.js';
import { idleFrame, type FrameSelfTime } from './summarize-cpu-profiles.js';
import { textTable } from '../lib/text-table/text-table.js';

type Align = 'left' | 'right';

/** A table in one of the two output formats. */
interface TableFormat {
  table(header: readonly string[], rows: readonly (readonly string[])[], align: readonly Align[]): string;
  heading(text: string): string;
  /** A line of its own under a heading (markdown would run plain lines into one paragraph). */
  line(text: string): string;
  /** A function name or path, which may hold characters that mean something in the format. */
  code(text: string): string;
}

const plain: TableFormat = {
  table: textTable,
  heading: (text) => `${text}:`,
  line: (text) => `  ${text}`,
  code: (text) => text,
};

const markdown: TableFormat = {
  table: (header, rows, align) =>
    [
      `| ${header.join(' | ')} |`,
      `|${align.map((a) => (a === 'left' ? ' --- ' : ' ---: ')).join('|')}|`,
      ...rows.map((row) => `| ${row.join(' | ')} |`),
    ].join('\n'),
  heading: (text) => `### ${text}`,
  line: (text) => `- ${text}`,
  // a `|` ends a table cell even inside code
  code: (text) => (text === '' ? '' : `\`${text.replaceAll('|', '\\|')}\``),
};

/** The report as plain-text tables for a terminal, or as markdown. */
export function formatProfileReport(report: ProfileReport, format: 'text' | 'markdown'): string {
  const f = format === 'markdown' ? markdown : plain;
  const m = report.machine;
  const s = report.settings;
  const r = report.run;
  const out: string[] = [
    format === 'markdown' ? `## twophase CPU profile — ${report.date}` : `twophase CPU profile — ${report.date}`,
    '',
    f.line(`machine: ${m.nproc} CPU(s), ${m.cpuModel}, node ${m.node}, ${m.kernel}${m.gitCommit === undefined ? '' : `, commit ${m.gitCommit}`}`),
    f.line(`workload: TwoPhaseClient.uploadFile of ${s.uploadBytes} B (unique path, random bytes), ${s.concurrency} in flight, closed loop; ${s.warmupS} s warm-up, then ${(report.windowMs / 1000).toFixed(1)} s profiled; dev --log-level ${s.logLevel} --commit-mode ${s.commitMode}`),
    f.line(`uploads completed in the window: ${r.ops} (${r.txPerS.toFixed(1)} tx/s, p50 ${ms(r.latencyMs.p50)} ms, p99 ${ms(r.latencyMs.p99)} ms); ${r.errors} failed`),
    '',
    f.heading('CPU in the window, by process'),
    '',
    f.line('sampled = the main thread\'s samples outside (idle): time it was not waiting for events, which on a busy machine includes waiting for a core'),
    f.line('/proc = CPU used by all its threads (libuv pool, GC helpers, the profiler itself: about 6% of a core per process)'),
    '',
    summaryTable(report, f),
  ];
  for (const p of report.processes) {
    out.push('', f.heading(`${p.name} — top ${s.top} frames by self time (% of its sampled CPU, ${ms(busyMs(p))} ms)`), '', framesTable(p, s.top, f));
  }
  if (report.notes.length > 0) out.push('', f.heading('notes'), '', ...report.notes.map(f.line));
  if (report.keptProfileDir !== undefined) out.push('', f.line(`raw profiles (Chrome DevTools, Performance panel, "Load profile"): ${report.keptProfileDir}/<process>/*.cpuprofile`));
  return `${out.join('\n')}\n`;
}

function summaryTable(report: ProfileReport, f: TableFormat): string {
  const uploads = report.run.ops;
  const perUpload = (cpuMs: number | undefined): string => (cpuMs === undefined || uploads === 0 ? '-' : ms(cpuMs / uploads));
  const rows = report.processes.map((p) => [p.name, ms(busyMs(p)), String(uploads), perUpload(busyMs(p)), msOrDash(p.procCpuMs), perUpload(p.procCpuMs)]);
  const sampledTotal = report.processes.reduce((sum, p) => sum + busyMs(p), 0);
  const procTotal = report.processes.reduce<number | undefined>((sum, p) => (sum === undefined || p.procCpuMs === undefined ? undefined : sum + p.procCpuMs), 0);
  rows.push(['= profiled processes', ms(sampledTotal), String(uploads), perUpload(sampledTotal), msOrDash(procTotal), perUpload(procTotal)]);
  // what an upload costs outside the profiled processes, so the table adds up to the whole system
  for (const { part, procCpuMs } of report.unprofiled) rows.push([`${part} (not profiled)`, '-', String(uploads), '-', ms(procCpuMs), perUpload(procCpuMs)]);
  return f.table(['process', 'sampled CPU ms', 'uploads', 'CPU ms per upload', '/proc CPU ms', '/proc ms per upload'], rows, ['left', 'right', 'right', 'right', 'right', 'right']);
}

/** The top frames by self time, then (idle): it is not CPU, so it takes no place among them and no share of the base. */
function framesTable(p: ProcessProfile, top: number, f: TableFormat): string {
  const base = busyMs(p);
  const isIdle = (frame: FrameSelfTime): boolean => frame.functionName === idleFrame && frame.location === '';
  const rows = p.summary.frames
    .filter((frame) => !isIdle(frame))
    .slice(0, top)
    .map((frame) => [ms(frame.selfMs), base > 0 ? `${((100 * frame.selfMs) / base).toFixed(1)}%` : '-', f.code(frame.functionName), f.code(frame.location)]);
  rows.push([ms(p.summary.idleMs), '-', f.code(idleFrame), '']);
  return f.table(['self ms', '%', 'function', 'location'], rows, ['right', 'right', 'left', 'left']);
}

function busyMs(p: ProcessProfile): number {
  return p.summary.sampledMs - p.summary.idleMs;
}

function msOrDash(value: number | undefined): string {
  return value === undefined ? '-' : ms(value);
}

function ms(value: number): string {
  if (!Number.isFinite(value)) return '-';
  return value < 10 ? value.toFixed(2) : value.toFixed(1);
}
