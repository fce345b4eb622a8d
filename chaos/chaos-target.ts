import type pg from 'pg';
import type { FaultProxy } from '../lib/fault-proxy/fault-proxy.js';

export const processNames = ['coordinator', 'blob', 'metadata', 'gateway', 'postgres'] as const;
export type ProcessName = (typeof processNames)[number];
export const linkNames = ['coordinator', 'blob', 'metadata', 'postgres'] as const;
/** A link is named after the server it leads to: every client of that server crosses it. */
export type LinkName = (typeof linkNames)[number];
export const adminProcesses = ['coordinator', 'blob', 'metadata'] as const;
export type AdminProcess = (typeof adminProcesses)[number];

/** Where each process's failpoints are named: every name starts with its prefix. */
export const failpointPrefix: Record<AdminProcess, string> = { coordinator: 'coordinator.', blob: 'participant.blob.', metadata: 'participant.metadata.' };

/** The process a failpoint (or a `name=action` spec item) belongs to. */
export function failpointProcess(name: string): AdminProcess | undefined {
  return adminProcesses.find((p) => name.startsWith(failpointPrefix[p]));
}

/**
 * How the coordinator a run starts commits, as its `--commit-mode` says (DESIGN.md
 * *Last-resource commit*): `two-phase`, every participant prepares; `last-resource`, the
 * metadata participant commits one-phase and never prepares.
 */
export const commitModes = ['two-phase', 'last-resource'] as const;

/** The coordinator's decision log in a system a run starts: its data dir's file, or a table of the run's PostgreSQL (through the PostgreSQL link's fault proxy). */
export const decisionLogKinds = ['file', 'shared'] as const;
export type DecisionLogKind = (typeof decisionLogKinds)[number];
export type CommitMode = (typeof commitModes)[number];

/** Where a tx passes a failpoint: the commit modes whose txs reach it, and what a run needs for them to. */
export interface FailpointReach {
  readonly modes: readonly CommitMode[];
  /** `traffic`: any upload passes it; `aborts`: only a tx that aborts after its branches exist. */
  readonly needs: 'traffic' | 'aborts';
  /** Only the file decision log passes it (its write and fdatasync): not with a shared log. */
  readonly fileLogOnly?: true;
}

const inBoth = { modes: commitModes, needs: 'traffic' } as const;
const twoPhaseOnly = { modes: ['two-phase'], needs: 'traffic' } as const;
const lastResourceOnly = { modes: ['last-resource'], needs: 'traffic' } as const;

/**
 * Every failpoint but the UNSAFE switch, with where it is reached (a test holds this to
 * the failpoints the processes define). A failpoint run whose point is not reached fails,
 * so a run must arm only the points its mode passes: in last-resource mode the metadata
 * participant never runs PREPARE TRANSACTION, COMMIT PREPARED or ROLLBACK PREPARED and the
 * coordinator never syncs a commit record; in two-phase mode nothing commits one-phase.
 */
export const failpointReach: Readonly<Record<string, FailpointReach>> = {
  'coordinator.log.batch.after-write': { ...inBoth, fileLogOnly: true },
  // a synced append is a commit record, which only two-phase mode writes (its commit point)
  'coordinator.log.batch.after-sync': { ...twoPhaseOnly, fileLogOnly: true },
  'coordinator.log.commit.before-append': twoPhaseOnly,
  'coordinator.log.commit.after-sync': twoPhaseOnly,
  'coordinator.log.end.before-append': inBoth,
  'coordinator.log.end.after-append': inBoth,
  'coordinator.reply.before': inBoth,
  'coordinator.send.prepare.before': inBoth,
  'coordinator.send.prepare.after': inBoth,
  'coordinator.send.commit.before': inBoth,
  'coordinator.send.commit.after': inBoth,
  'coordinator.send.abort.before': { modes: commitModes, needs: 'aborts' },
  'coordinator.send.abort.after': { modes: commitModes, needs: 'aborts' },
  'coordinator.send.commit-last.before': lastResourceOnly,
  'coordinator.send.commit-last.after': lastResourceOnly,
  'participant.blob.prepare.before-fsync': inBoth,
  'participant.blob.prepare.after-manifest-sync': inBoth,
  'participant.blob.commit.before-rename': inBoth,
  'participant.blob.commit.after-rename': inBoth,
  'participant.blob.commit.after-publish': inBoth,
  'participant.blob.commit.before-retire': inBoth,
  'participant.blob.abort.before-delete': { modes: commitModes, needs: 'aborts' },
  'participant.metadata.prepare.before-prepare-transaction': twoPhaseOnly,
  'participant.metadata.prepare.after-prepare-transaction': twoPhaseOnly,
  'participant.metadata.commit.before-commit-prepared': twoPhaseOnly,
  'participant.metadata.commit.after-commit-prepared': twoPhaseOnly,
  'participant.metadata.abort.before-rollback-prepared': { modes: ['two-phase'], needs: 'aborts' },
  'participant.metadata.abort.after-rollback-prepared': { modes: ['two-phase'], needs: 'aborts' },
  'participant.metadata.commit-one-phase.before-commit': lastResourceOnly,
  'participant.metadata.commit-one-phase.after-commit': lastResourceOnly,
};

/** Whether txs in `mode` pass a failpoint; one not in failpointReach is assumed to be passed (a deployment's own build may define more). */
export function isReachedIn(name: string, mode: CommitMode): boolean {
  return failpointReach[name]?.modes.includes(mode) ?? true;
}

/**
 * The UNSAFE mutant switch breaks the protocol on purpose: never armed by chance, and
 * armable only in a coordinator started with --unsafe-failpoints (a run that arms it at
 * start starts its coordinator so; a deployment must have been started so by its owner).
 */
export function isUnsafeFailpoint(name: string): boolean {
  return name.includes('.unsafe.');
}

export type ObjectState = 'present' | 'absent' | 'corrupt';

/**
 * What a fault-injection run drives and inspects: a system it started itself
 * (ChaosSystem) or an existing deployment (ExternalSystem).
 */
export interface ChaosTarget {
  /** Base URL of the HTTP gateway the workload uses. */
  readonly http: string;
  /** A request to the gateway, as this system needs it sent (its CA for HTTPS, a bearer token). */
  httpFetch(url: string, init?: RequestInit): Promise<Response>;
  /** The links that run through a fault proxy; network faults pick among these. */
  readonly proxies: Partial<Record<LinkName, FaultProxy>>;
  /** The processes a kill may pick. */
  readonly killable: readonly ProcessName[];
  /** SIGKILLs a process; it comes back by itself (supervisor, restart command or policy). */
  kill(name: ProcessName): Promise<void>;
  armFailpoints(process: AdminProcess, spec: string): Promise<void>;
  disarmFailpoints(process: AdminProcess): Promise<void>;
  /** A process's counters; rejects if it cannot be reached. */
  stats(process: AdminProcess): Promise<Record<string, number>>;
  /** The counters of each process beside coordinator, blob and metadata that still runs (other coordinators, other metadata shards), by name. */
  extraProcessStats(): Promise<Record<string, Record<string, number>>>;
  /** The metadata shards, `metadata` first (the database of `query`). */
  readonly metadataShards: readonly string[];
  /** A query on a metadata shard's database, around the fault proxies. */
  queryShard<T extends pg.QueryResultRow>(shard: string, sql: string, params?: unknown[]): Promise<T[]>;
  /** The failpoints a process defines. */
  failpoints(process: AdminProcess): Promise<string[]>;
  /** Ends every network fault. */
  heal(): void;
  /** A query on the metadata database, around the fault proxies. */
  query<T extends pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Whether the blob store holds an object, and whether its bytes hash to its name. */
  objectState(sha256: string): Promise<ObjectState>;
  /** Staged blob branches seen on disk, where the disk is at hand ('' otherwise). */
  leftoverStaging(): Promise<string>;
  /** Restarts so far, by process. */
  restartCounts(): Record<string, number>;
  stop(): Promise<void>;
}
