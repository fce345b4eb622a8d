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
    readonly repeat: number;
    readonly sdk: boolean;
    readonly gateway: boolean;
  };
  /** CPU used by the started system, connected but with no upload running, for 2 s before the first level. */
  readonly idleCpu: CpuUsage | undefined;
  /** Through the SDK, one per --concurrency (empty with --no-sdk). */
  readonly levels: readonly LevelReport[];
  /** Through HTTP, one per --concurrency (empty without --gateway). */
  readonly gatewayLevels: readonly LevelReport[];
  /** From the coordinator's `decision log stats` line, for the whole run (warm-ups included). */
  readonly decisionLog: (DecisionLogStats & { readonly source: string }) | undefined;
  /** What a reader must know to trust the numbers (missing data, deviations). */
  readonly notes: readonly string[];
  readonly totalS: number;
}
