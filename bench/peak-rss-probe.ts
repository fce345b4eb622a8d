import { readFileSync, writeFileSync } from 'node:fs';
import type { PeakRss } from './bench-report.js';

/** One process whose peak is wanted, and the part of the report it counts in. */
export interface RssTarget {
  readonly part: string;
  readonly pid: number;
  readonly judged: boolean;
}

interface Tracked extends RssTarget {
  /** Whether the kernel's peak was reset at the start: then VmHWM is the peak since. */
  readonly hwmReset: boolean;
  readonly startBytes: number;
  sampledMaxBytes: number;
}

/**
 * The peak resident memory of a set of processes over a window. At its start it resets each
 * one's VmHWM (`5` into /proc/<pid>/clear_refs, allowed for our own processes), so that the
 * kernel's exact peak covers only the window; it also samples VmRSS every `intervalMs`, the
 * peak where the reset was refused. Linux only: elsewhere every peak is 0.
 */
export class PeakRssProbe {
  private readonly timer: NodeJS.Timeout;

  private constructor(
    private readonly tracked: readonly Tracked[],
    intervalMs: number,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  static start(targets: readonly RssTarget[], intervalMs: number): PeakRssProbe {
    return new PeakRssProbe(
      targets.map((t) => ({ ...t, hwmReset: resetPeak(t.pid), startBytes: statusBytes(t.pid, 'VmRSS') ?? 0, sampledMaxBytes: 0 })),
      intervalMs,
    );
  }

  /** Ends the window: the peak of each part, the largest of its processes'. */
  stop(): PeakRss[] {
    clearInterval(this.timer);
    this.sample();
    const byPart = new Map<string, PeakRss>();
    for (const t of this.tracked) {
      const hwm = t.hwmReset ? statusBytes(t.pid, 'VmHWM') : undefined;
      const bytes = Math.max(hwm ?? 0, t.sampledMaxBytes);
      const source: PeakRss['source'] = hwm === undefined ? 'sampled' : 'hwm';
      const before = byPart.get(t.part);
      if (before === undefined) byPart.set(t.part, { part: t.part, pids: [t.pid], bytes, startBytes: t.startBytes, source, judged: t.judged });
      else {
        const larger = bytes > before.bytes;
        const peak = larger ? { bytes, startBytes: t.startBytes, source } : {};
        byPart.set(t.part, { ...before, ...peak, pids: [...before.pids, t.pid] });
      }
    }
    return [...byPart.values()];
  }

  private sample(): void {
    for (const t of this.tracked) t.sampledMaxBytes = Math.max(t.sampledMaxBytes, statusBytes(t.pid, 'VmRSS') ?? 0);
  }
}

function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return statusBytes(pid, 'VmHWM') !== undefined;
  } catch {
    return false;
  }
}

/** A `kB` field of /proc/<pid>/status, in bytes; undefined when the process is gone or has none. */
function statusBytes(pid: number, field: 'VmRSS' | 'VmHWM'): number | undefined {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`${field}:`));
    const kB = Number(line?.split(/\s+/)[1]);
    return Number.isFinite(kB) && line !== undefined ? kB * 1024 : undefined;
  } catch {
    return undefined;
  }
}
