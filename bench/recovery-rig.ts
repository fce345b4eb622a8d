import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { freePort } from '../lib/free-port/free-port.js';
import { AdminStatsProbe } from './admin-stats-probe.js';
import { pollUntil } from './poll-until.js';
import { RecoveryProcesses, type StartedProcess } from './recovery-processes.js';
import { TwophaseUpload } from './twophase-upload.js';

export type RigProcess = 'coordinator' | 'blob' | 'metadata';

/**
 * Failpoints that keep every Commit from being applied while the state is built: the
 * coordinator never sends one (its decision is durable, phase 2 never starts), and a
 * participant that learns the outcome by asking hangs before it commits. Hangs, not
 * errors: nothing retries, so building the state costs no load beyond the uploads.
 */
export const holdCommitFailpoints: Record<RigProcess, string> = {
  coordinator: 'coordinator.send.commit.before=hang',
  blob: 'participant.blob.commit.before-rename=hang',
  metadata: 'participant.metadata.commit.before-commit-prepared=hang',
};

/** Prepared transactions beyond the in-doubt branches: room for the uploads still preparing. */
const preparedSlack = 200;
/** Uploads that may fail while the state is built before the run gives up. */
const setupErrorsMax = 100;
/** How long a process may take from spawn to its first Admin answer when it is not measured. */
const readyTimeoutMs = 120_000;

/**
 * The system of a recovery run, one process per part as in `twophase dev` but without a
 * supervisor, so that the bench kills and restarts each part when it means to: an embedded
 * PostgreSQL (its max_prepared_transactions raised to hold every in-doubt branch), the
 * coordinator, the blob and the metadata participants, each with --admin.
 */
export class RecoveryRig {
  readonly probes: Record<RigProcess, AdminStatsProbe>;

  private constructor(
    readonly dir: string,
    readonly processes: RecoveryProcesses,
    readonly addresses: Record<RigProcess, string>,
    readonly postgresUrl: string,
    readonly maxPreparedTransactions: number,
    private readonly logLevel: string,
  ) {
    this.probes = { coordinator: new AdminStatsProbe(addresses.coordinator), blob: new AdminStatsProbe(addresses.blob), metadata: new AdminStatsProbe(addresses.metadata) };
  }

  /** Starts PostgreSQL in `dir` with room for `inDoubtMax` prepared transactions. */
  static async start(dir: string, inDoubtMax: number, logLevel: string): Promise<RecoveryRig> {
    const processes = new RecoveryProcesses(join(dir, 'logs'));
    const [coordinator, blob, metadata, postgres] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const maxPrepared = inDoubtMax + preparedSlack;
    await processes.start({
      name: 'postgres',
      args: ['postgres', '--data-dir', join(dir, 'postgres'), '--port', String(postgres), '--max-prepared-transactions', String(maxPrepared), '--log-level', 'info'],
      readyLine: /"msg":"postgres ready"/,
    });
    const local = (port: number): string => `127.0.0.1:${port}`;
    return new RecoveryRig(
      dir,
      processes,
      { coordinator: local(coordinator), blob: local(blob), metadata: local(metadata) },
      `postgres://postgres:postgres@127.0.0.1:${postgres}/twophase`,
      maxPrepared,
      logLevel,
    );
  }

  /**
   * Spawns one part. `phase2WaitMs` 0 lets a Commit return once the decision is durable
   * (used while building the state, when no ack ever comes). Resolves at the spawn; see
   * `ready` to wait for it to answer.
   */
  start(name: RigProcess, options: { failpoints?: string; phase2WaitMs?: number } = {}): Promise<StartedProcess> {
    const { coordinator, blob, metadata } = this.addresses;
    const common = ['--admin', '--log-level', this.logLevel];
    const args: Record<RigProcess, string[]> = {
      coordinator: [
        ...['coordinator', '--listen', coordinator, '--data-dir', join(this.dir, 'coordinator')],
        ...['--participant', `blob=${blob}`, '--participant', `metadata=${metadata}`],
        ...(options.phase2WaitMs === undefined ? [] : ['--phase2-wait-ms', String(options.phase2WaitMs)]),
      ],
      blob: ['participant', 'blob', '--listen', blob, '--data-dir', join(this.dir, 'blob'), '--coordinator', coordinator],
      metadata: ['participant', 'metadata', '--listen', metadata, '--database-url', this.postgresUrl, '--coordinator', coordinator],
    };
    return this.processes.start({ name, args: [...args[name], ...common], ...(options.failpoints === undefined ? {} : { failpoints: options.failpoints }) });
  }

  /** Resolves once the part answers Admin.GetStats. */
  async ready(name: RigProcess): Promise<void> {
    const at = await pollUntil(async () => (await this.probes[name].read(500)) !== undefined, 20, readyTimeoutMs);
    if (at === undefined) throw new Error(`${name} did not answer Admin.GetStats within ${readyTimeoutMs} ms; see ${join(this.dir, 'logs', `${name}.log`)}`);
  }

  /**
   * Builds the state both measurements start from: `count` txs committed through the SDK
   * (TwoPhaseClient.uploadFile), each decision durable in the coordinator's log and each
   * branch prepared at both participants, while the failpoints keep any Commit from being
   * applied; then every part is killed with SIGKILL. Returns the committed tx ids.
   */
  async commitWithoutAcks(count: number, concurrency: number, round: string, progress: (text: string) => void): Promise<{ txIds: string[]; seconds: number }> {
    for (const name of ['coordinator', 'blob', 'metadata'] as const) {
      await this.start(name, { failpoints: holdCommitFailpoints[name], ...(name === 'coordinator' ? { phase2WaitMs: 0 } : {}) });
    }
    for (const name of ['coordinator', 'blob', 'metadata'] as const) await this.ready(name);
    const startedMs = performance.now();
    const client = await TwophaseUpload.connect(this.addresses.coordinator);
    const txIds: string[] = [];
    const errors: string[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let i = next++; i < count; i = next++) {
        for (;;) {
          try {
            const { txId, pendingParticipants } = await client.upload('recovery', `${round}/${i}`, randomBytes(1024));
            if (pendingParticipants.length !== 2) throw new Error(`tx ${txId} returned with ${pendingParticipants.length} participants pending, expected both`);
            txIds.push(txId);
            break;
          } catch (err) {
            errors.push(err instanceof Error ? err.message : String(err));
            if (errors.length > setupErrorsMax) throw new Error(`${errors.length} uploads failed while building the state, e.g. ${errors[0]}`, { cause: err });
          }
        }
        if (txIds.length % 2_000 === 0) progress(`${round}: ${txIds.length} of ${count} txs committed, none acked`);
      }
    };
    try {
      await Promise.all(Array.from({ length: concurrency }, worker));
    } finally {
      client.close();
    }
    const seconds = (performance.now() - startedMs) / 1000;
    const live = await this.probes.coordinator.counter('live_txs');
    if (live !== count) throw new Error(`the coordinator holds ${live} unfinished txs after ${count} commits, expected ${count}`);
    for (const name of ['coordinator', 'blob', 'metadata'] as const) await this.processes.kill(name);
    return { txIds, seconds };
  }

  /** Independent of the processes' own counts: PostgreSQL's prepared transactions, and the blob store's prepared markers. */
  async preparedOnDisk(): Promise<{ postgres: number; blob: number }> {
    const client = new pg.Client({ connectionString: this.postgresUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM pg_prepared_xacts WHERE database = current_database()');
      const staging = await readdir(join(this.dir, 'blob', 'staging')).catch(() => [] as string[]);
      return { postgres: Number(rows[0]?.n ?? 0), blob: staging.filter((name) => name.endsWith('.prepared')).length };
    } finally {
      await client.end();
    }
  }

  async stop(): Promise<void> {
    for (const probe of Object.values(this.probes)) probe.close();
    await this.processes.stopAll(['postgres']);
  }
}
