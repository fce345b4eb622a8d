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
