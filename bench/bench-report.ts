import type { CpuUsage } from './cpu-sampler.js';
import type { DecisionLogStats } from './read-decision-log-stats.js';
import type { LatencyStats } from './latency-stats.js';
import type { LoadResult } from './run-load.js';
import type { MachineInfo } from './machine-info.js';

/** One system (twophase or baseline) at one concurrency. */
export interface SystemRun extends LoadResult {
  /** CPU used during the measured window (undefined where /proc is not there to read). */
  readonly cpu: CpuUsage | undefined;
}

/** How a level's uploads reach each system. */
export type LevelVia =
  /** twophase through TwoPhaseClient.uploadFile; the baseline called in the bench's own process. */
  | 'sdk'
  /** Both over HTTP: twophase's gateway, and a naive upload server (bench/run-baseline-server.ts). */
  | 'gateway';

export interface LevelReport {
  readonly via: LevelVia;
  readonly concurrency: number;
  readonly twophase: SystemRun & {
    /** Commits that returned before every participant acked. */
    readonly pendingCommits: number;
    /**
     * Attempts refused as a participant at one of its limits and retried (warm-up included):
     * RESOURCE_EXHAUSTED through the SDK, 503 through the gateway.
     */
    readonly resourceExhaustedRetries: number;
    /**
     * Each process's own counters (calls served and sent, fsyncs, SQL round trips) over the
     * measured window, per upload completed in it; undefined when they could not be read.
     */
    readonly countsPerUpload: Record<string, Record<string, number>> | undefined;
  };
  readonly baseline: SystemRun;
  /** median twophase tx/s ÷ median baseline tx/s over the level's runs. */
  readonly txPerSRatio: number;
  /** tx/s of every run, in the order they ran (alternated with the other system's). */
  readonly runsTxPerS: { readonly twophase: readonly number[]; readonly baseline: readonly number[] };
}

/** Peak resident memory of one part of the system during the large upload. */
export interface PeakRss {
  /** As CpuUsage.byPart names it. */
  readonly part: string;
  /** The processes it is made of (PostgreSQL's server: the postmaster and its backends). */
  readonly pids: readonly number[];
  /** The largest peak of one of them, in bytes. */
  readonly bytes: number;
  /** That process's RSS as the upload began, in bytes: what the upload added is the difference. */
  readonly startBytes: number;
  /**
   * `hwm`: the kernel's own peak (VmHWM) since it was reset as the upload began, exact;
   * `sampled`: the largest VmRSS sampled during the upload (where the reset was refused).
   */
  readonly source: 'hwm' | 'sampled';
  /** Held to the goal: every twophase process and the bench client, not PostgreSQL's own. */
  readonly judged: boolean;
}

/** ONE large upload through the SDK against the disk's raw rate (`--large-upload-bytes`). */
export interface LargeUploadReport {
  readonly bytes: number;
  /** The chunks the raw write and the upload's stream are made of. */
  readonly chunkBytes: number;
  /** The bytes written to a file in the data dir in chunks, then one fdatasync, just before the upload. */
  readonly raw: { readonly seconds: number; readonly mbPerS: number };
  /** From the call of uploadFile to its answer; undefined when it failed (see `error`). */
  readonly twophase: { readonly seconds: number; readonly mbPerS: number; readonly txId: string } | undefined;
  readonly error: string | undefined;
  /** twophase MB/s ÷ raw MB/s. */
  readonly rateRatio: number;
  readonly peakRss: readonly PeakRss[];
  /** CPU used during the upload. */
  readonly cpu: CpuUsage | undefined;
  readonly goal: { readonly rateRatioMin: number; readonly rssBytesMax: number };
}

/** Everything one `npm run bench` measured; printed as tables and written by `--json`. */
export interface BenchReport {
  readonly date: string;
  readonly machine: MachineInfo & { readonly fdatasync4KiBMs: LatencyStats };
  readonly settings: {
    readonly uploadBytes: number;
    readonly warmupS: number;
    readonly durationS: number;
    readonly concurrency: readonly number[];
    readonly opsMaxPerRun: number;
    readonly logLevel: string;
    readonly commitMode: 'two-phase' | 'last-resource';
    /** Absent in reports written before the option existed: the file log. */
    readonly decisionLog?: 'file' | 'shared';
    readonly repeat: number;
    readonly sdk: boolean;
    readonly gateway: boolean;
    readonly largeUploadBytes: number | undefined;
  };
  /** CPU used by the started system, connected but with no upload running, for 2 s before the first level. */
  readonly idleCpu: CpuUsage | undefined;
  /** Through the SDK, one per --concurrency (empty with --no-sdk). */
  readonly levels: readonly LevelReport[];
  /** Through HTTP, one per --concurrency (empty without --gateway). */
  readonly gatewayLevels: readonly LevelReport[];
  readonly largeUpload: LargeUploadReport | undefined;
  /** From the coordinator's `decision log stats` line, for the whole run (warm-ups included). */
  readonly decisionLog: (DecisionLogStats & { readonly source: string }) | undefined;
  /** What a reader must know to trust the numbers (missing data, deviations). */
  readonly notes: readonly string[];
  readonly totalS: number;
}
