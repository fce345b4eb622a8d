import type { SystemRun } from './bench-report.js';
import type { MachineInfo } from './machine-info.js';
import type { CpuProfileSummary } from './summarize-cpu-profiles.js';

/** One child of `twophase dev`, profiled over the measured window. */
export interface ProcessProfile {
  /** The child's name in dev: postgres (the Node wrapper around the server), coordinator, blob, metadata, gateway. */
  readonly name: string;
  readonly summary: CpuProfileSummary;
  /** Its CPU over the window from /proc, all threads and its helper processes; undefined where /proc is not there. */
  readonly procCpuMs: number | undefined;
}

/** Everything one `npm run bench:profile` found; printed as text or markdown tables. */
export interface ProfileReport {
  readonly date: string;
  readonly machine: MachineInfo;
  readonly settings: {
    readonly uploadBytes: number;
    readonly concurrency: number;
    readonly warmupS: number;
    readonly durationS: number;
    readonly logLevel: string;
    readonly commitMode: 'two-phase' | 'last-resource';
    readonly top: number;
  };
  /** The load: uploads completed inside the window, latencies, /proc CPU by part. */
  readonly run: SystemRun;
  /** The window the tables cover, measured on the monotonic clock the profiles use. */
  readonly windowMs: number;
  /** Children of dev in start order; the ones without a profile are in `notes`. */
  readonly processes: readonly ProcessProfile[];
  /** The rest of the system's CPU over the window from /proc (bench client, dev itself, the PostgreSQL server), so the totals add up. */
  readonly unprofiled: readonly { readonly part: string; readonly procCpuMs: number }[];
  /** Where the .cpuprofile files are, when kept. */
  readonly keptProfileDir: string | undefined;
  /** What a reader must know to trust the numbers (missing profiles, restarts, failed uploads). */
  readonly notes: readonly string[];
}
