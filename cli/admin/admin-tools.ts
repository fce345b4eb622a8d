import { existsSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { loadProto } from '../../proto/load-proto.js';
import { clientOptions } from '../../lib/grpc/client-options.js';
import { lockDir } from '../../lib/dir-lock/dir-lock.js';
import { createLogger } from '../../lib/logger/logger.js';
import { FileDecisionLog } from '../../coordinator/log/file-decision-log.js';
import { PostgresDecisionLog } from '../../coordinator/log/postgres-decision-log.js';
import { DecisionTakenError } from '../../coordinator/log/log-errors.js';
import type { CommitRecord } from '../../coordinator/protocol/log-record.js';
import { ConfigError } from '../../lib/config/config-error.js';
import { limits } from '../../lib/limits/limits.js';
import { channelCredentials } from '../../lib/tls/transport-credentials.js';
import type { TlsMaterial } from '../../lib/tls/tls-material.js';
import { fsyncPath } from '../../lib/fs/fsync-path.js';

const callTimeoutMs = limits.adminCallTimeoutMs;

type Unary<Req, Res> = (request: Req, options: grpc.CallOptions, callback: (err: grpc.ServiceError | null, response?: Res) => void) => unknown;

function call<Req, Res>(method: Unary<Req, Res>, request: Req, what: string): Promise<Res> {
  return new Promise((resolve, reject) => {
    method(request, { deadline: new Date(Date.now() + callTimeoutMs) }, (err, response) => {
      if (err !== null) reject(new Error(`${what}: ${err.details || err.message}`, { cause: err }));
      else resolve(response as Res);
    });
  });
}

/** Runs `use` with a client of `service` at `address` (over mutual TLS with `tls`), closed when it settles. */
async function withClient<C extends grpc.Client, T>(Service: new (address: string, credentials: grpc.ChannelCredentials, options: grpc.ChannelOptions) => C, address: string, tls: TlsMaterial | undefined, use: (client: C) => Promise<T>): Promise<T> {
  const client = new Service(address, channelCredentials(tls), clientOptions);
  try {
    return await use(client);
  } finally {
    client.close();
  }
}

/** A process an admin command talks to. */
export interface Target {
  readonly id: string;
  readonly address: string;
}

/** `id=host:port` (repeatable --participant) → targets. */
export function parseParticipants(values: readonly string[]): Target[] {
  return values.map((value) => {
    const eq = value.indexOf('=');
    if (eq <= 0 || eq === value.length - 1) throw new ConfigError(`invalid setting --participant: expected id=host:port (given ${JSON.stringify(value)})`, 'participant');
    return { id: value.slice(0, eq), address: value.slice(eq + 1) };
  });
}

export interface TransactionRow {
  readonly txId: string;
  readonly state: string;
  readonly sinceUnixMs: number;
  readonly ageMs: number;
  readonly participants: readonly string[];
  readonly pending: readonly string[];
}

/** Admin.ListTransactions of the coordinator (served with --admin). */
export async function listTransactions(coordinator: string, tls?: TlsMaterial): Promise<TransactionRow[]> {
  const res = await withClient(loadProto().twophase.v1.Admin, coordinator, tls, (client) =>
    call(client.ListTransactions.bind(client) as Unary<object, { transactions: { txId: string; state: string; sinceUnixMs: string; participants: string[]; pending: string[] }[] }>, {}, `Admin.ListTransactions at ${coordinator} (is it served with --admin?)`),
  );
  const now = Date.now();
  return res.transactions.map((tx) => ({ txId: tx.txId, state: tx.state, sinceUnixMs: Number(tx.sinceUnixMs), ageMs: Math.max(0, now - Number(tx.sinceUnixMs)), participants: tx.participants, pending: tx.pending }));
}

/** The participants the coordinator was configured with (Coordinator.ListParticipants). */
export async function coordinatorParticipants(coordinator: string, tls?: TlsMaterial): Promise<Target[]> {
  const res = await withClient(loadProto().twophase.v1.Coordinator, coordinator, tls, (client) =>
    call(client.ListParticipants.bind(client) as Unary<object, { participants: { participantId: string; address: string }[] }>, {}, `Coordinator.ListParticipants at ${coordinator}`),
  );
  return res.participants.map((p) => ({ id: p.participantId, address: p.address }));
}

export interface InDoubtRow {
  readonly participant: string;
  readonly txId: string;
  readonly preparedUnixMs: number;
  readonly ageMs: number;
}

/** Every branch in doubt at each participant (Participant.ListInDoubt), oldest first; a participant that does not answer fails the call. */
export async function listInDoubt(participants: readonly Target[], tls?: TlsMaterial): Promise<InDoubtRow[]> {
  const rows = await Promise.all(
    participants.map(async ({ id, address }) => {
      const res = await withClient(loadProto().twophase.v1.Participant, address, tls, (client) =>
        call(client.ListInDoubt.bind(client) as Unary<object, { branches: { txId: string; preparedUnixMs: string }[] }>, {}, `Participant.ListInDoubt at ${id} (${address})`),
      );
      const now = Date.now();
      return res.branches.map((b) => ({ participant: id, txId: b.txId, preparedUnixMs: Number(b.preparedUnixMs), ageMs: Math.max(0, now - Number(b.preparedUnixMs)) }));
    }),
  );
  return rows.flat().sort((a, b) => a.preparedUnixMs - b.preparedUnixMs);
}

/** Admin.GetStats of each target (served with --admin). */
export async function stats(targets: readonly Target[], tls?: TlsMaterial): Promise<{ target: string; stats: Record<string, number> }[]> {
  return Promise.all(
    targets.map(async ({ id, address }) => {
      const res = await withClient(loadProto().twophase.v1.Admin, address, tls, (client) =>
        call(client.GetStats.bind(client) as Unary<object, { stats: Record<string, number> }>, {}, `Admin.GetStats at ${id} (${address}; is it served with --admin?)`),
      );
      return { target: id, stats: res.stats };
    }),
  );
}

/** Why a resolve was refused: it would contradict what is known. Exit 1, nothing written. */
export class ResolveRefusedError extends Error {
  override readonly name = 'ResolveRefusedError';
}

export interface ResolveResult {
  readonly txId: string;
  readonly decision: 'commit' | 'abort';
  /** What was done: recorded (a commit record for the coordinator to re-drive), aborted (at each participant), or nothing (already so). */
  readonly action: 'recorded' | 'aborted' | 'already-committed';
  readonly participants: readonly string[];
}

/** The audit trail of operators' decisions, beside the decision log; appended to and fsynced, never pruned. */
export function auditFile(dataDir: string): string {
  return join(dataDir, 'heuristic-decisions.jsonl');
}

/**
 * An operator's decision for a tx stuck in doubt, taken with the coordinator stopped (its
 * data dir locked by us): the blocking case of two-phase commit, a coordinator that cannot
 * come back soon, or branches whose coordinator lost track of them.
 *
 * --commit: refused unless every named participant holds the tx in doubt (a participant
 * that does not may have aborted it, and committing the others would break atomicity);
 * else a commit record marked heuristic, with the reason, is appended to the decision log
 * and fsynced: the coordinator, once started, re-drives the commit to them, as for any
 * commit it finds in its log. --abort: refused when the log holds a commit of the tx; else
 * each named participant aborts its branch now (the coordinator would presume abort
 * anyway). Either decision is also appended to the audit file (auditFile), fsynced.
 */
export interface ResolveOptions {
  readonly dataDir: string;
  readonly txId: string;
  readonly decision: 'commit' | 'abort';
  readonly reason: string;
  readonly participants: readonly Target[];
  readonly tls?: TlsMaterial | undefined;
  /** The URL of a shared decision log (see resolveInSharedLog); undefined: the file log of `dataDir`. */
  readonly sharedLog?: { readonly databaseUrl: string; readonly coordinatorId: string } | undefined;
}

export async function resolve(options: ResolveOptions): Promise<ResolveResult> {
  const { dataDir, txId, decision, reason, participants } = options;
  if (participants.length === 0) throw new ConfigError('admin resolve: name the participants of the tx with --participant id=host:port', 'participant');
  if (options.sharedLog !== undefined) return resolveInSharedLog({ ...options, sharedLog: options.sharedLog });
  // a data dir without a log is not the coordinator's, or its coordinator keeps its decisions
  // in a shared log: a commit recorded here would never be read
  if (!existsSync(join(dataDir, 'log'))) {
    throw new ResolveRefusedError(
      `${dataDir} holds no decision log (${join(dataDir, 'log')} does not exist): name the coordinator's --data-dir, or, for a coordinator on a shared decision log, its --decision-log URL and --coordinator-id`,
    );
  }
  const lock = await lockDir(dataDir).catch((err: unknown) => {
    throw new ResolveRefusedError(
      `the coordinator's data dir ${dataDir} is locked (${err instanceof Error ? err.message : String(err)}): a coordinator is running on it. A tx it holds resolves by itself; stop it first to record a decision of your own`,
    );
  });
  const log = new FileDecisionLog({ dir: join(dataDir, 'log'), logger: createLogger('admin', 'warn') });
  try {
    const { records } = await log.open();
    const commit = records.find((r): r is CommitRecord => r.kind === 'commit' && r.txId === txId);
    const ended = records.some((r) => r.kind === 'end' && r.txId === txId);
    if (commit !== undefined) {
      const when = new Date(commit.decidedAtMs).toISOString();
      if (decision === 'abort') {
        throw new ResolveRefusedError(`${txId} is committed: the decision log holds its commit (decided ${when}${commit.heuristic === undefined ? '' : `, by an operator: ${commit.heuristic.reason}`}${ended ? ', every participant acked' : ''}); an abort would contradict it`);
      }
      return { txId, decision, action: 'already-committed', participants: commit.participants };
    }
    const inDoubt = new Set((await listInDoubt(participants, options.tls)).filter((row) => row.txId === txId).map((row) => row.participant));
    const ids = participants.map((p) => p.id);
    if (decision === 'commit') {
      const missing = ids.filter((id) => !inDoubt.has(id));
      if (missing.length > 0) {
        throw new ResolveRefusedError(`${txId} is not in doubt at ${missing.join(', ')}: such a branch may be aborted already, or was never prepared, and committing the others would break atomicity; name only the participants that hold it in doubt`);
      }
      await log.append({ kind: 'commit', txId, participants: ids, decidedAtMs: Date.now(), heuristic: { reason } }, { sync: true });
      await audit(dataDir, { txId, decision, reason, participants: ids });
      return { txId, decision, action: 'recorded', participants: ids };
    }
    await audit(dataDir, { txId, decision, reason, participants: ids });
    await abortInDoubt(txId, reason, participants, inDoubt, options.tls);
    return { txId, decision, action: 'aborted', participants: ids.filter((id) => inDoubt.has(id)) };
  } finally {
    await log.close();
    await lock.release();
  }
}

/**
 * resolve, on a shared decision log: each decision is a compare-and-set on the tx's key,
 * and the row, with the reason, is the audit record. --abort: refused when a commit holds
 * the key; else the abort is settled there (after which no coordinator can commit the tx)
 * and each participant aborts now: safe with coordinators running. --commit: only with the
 * owning coordinator stopped, shown by taking its data dir's lock (`dataDir`), because a
 * coordinator's own abort writes no row (presumed abort), so a commit recorded while it
 * runs could contradict an Abort it is sending; refused unless every named participant
 * holds the tx in doubt, or when an abort holds the key. The commit is recorded as decided
 * by `coordinatorId`, which re-drives it when it starts, and any coordinator answers the
 * in-doubt participants' own questions with it meanwhile.
 */
async function resolveInSharedLog(options: ResolveOptions & { readonly sharedLog: NonNullable<ResolveOptions['sharedLog']> }): Promise<ResolveResult> {
  const { txId, decision, reason, participants } = options;
  let lock: { release(): Promise<void> } | undefined;
  const log = new PostgresDecisionLog({
    databaseUrl: options.sharedLog.databaseUrl,
    coordinatorId: options.sharedLog.coordinatorId,
    logger: createLogger('admin', 'warn'),
    // a database without the table is not the coordinator's log; an unreachable one is said, not waited on for ever
    createSchema: false,
    giveUpAfterAttempts: limits.adminSharedLogAttemptsMax,
  });
  try {
    await log.open();
    const held = await log.decisionOf(txId);
    const ids = participants.map((p) => p.id);
    if (held?.decision === 'commit') {
      const when = new Date(held.decidedAtMs).toISOString();
      if (decision === 'abort') {
        throw new ResolveRefusedError(`${txId} is committed: the shared decision log holds its commit (decided ${when} by ${held.decidedBy}${held.heuristicReason === undefined ? '' : `, by an operator: ${held.heuristicReason}`}${held.ended ? ', every participant acked' : ''}); an abort would contradict it`);
      }
      return { txId, decision, action: 'already-committed', participants: held.participants };
    }
    if (held?.decision === 'abort' && decision === 'commit') {
      throw new ResolveRefusedError(`${txId} is aborted: the shared decision log holds an abort of it (decided ${new Date(held.decidedAtMs).toISOString()} by ${held.decidedBy}${held.heuristicReason === undefined ? '' : `: ${held.heuristicReason}`}); a commit would contradict it`);
    }
    if (decision === 'commit') lock = await lockStoppedOwner(options.dataDir);
    const inDoubt = new Set((await listInDoubt(participants, options.tls)).filter((row) => row.txId === txId).map((row) => row.participant));
    if (decision === 'commit') {
      const missing = ids.filter((id) => !inDoubt.has(id));
      if (missing.length > 0) {
        throw new ResolveRefusedError(`${txId} is not in doubt at ${missing.join(', ')}: such a branch may be aborted already, or was never prepared, and committing the others would break atomicity; name only the participants that hold it in doubt`);
      }
      try {
        await log.append({ kind: 'commit', txId, participants: ids, decidedAtMs: Date.now(), heuristic: { reason } }, { sync: true });
      } catch (err) {
        if (err instanceof DecisionTakenError) throw new ResolveRefusedError(`${txId} was settled as aborted in the shared decision log while this ran; a commit would contradict it`);
        throw err;
      }
      return { txId, decision, action: 'recorded', participants: ids };
    }
    if ((await log.settle(txId, `operator: ${reason}`)) === 'committed') {
      throw new ResolveRefusedError(`${txId} was committed in the shared decision log while this ran; an abort would contradict it`);
    }
    await abortInDoubt(txId, reason, participants, inDoubt, options.tls);
    return { txId, decision, action: 'aborted', participants: ids.filter((id) => inDoubt.has(id)) };
  } finally {
    await log.close();
    await lock?.release();
  }
}

/** The lock of the owning coordinator's data dir, which shows it stopped (see resolveInSharedLog); refused when it is missing or held. */
async function lockStoppedOwner(dataDir: string): Promise<{ release(): Promise<void> }> {
  if (!existsSync(dataDir)) {
    throw new ResolveRefusedError(
      `--commit on a shared decision log needs the owning coordinator stopped: name its --data-dir (${dataDir} does not exist), whose lock shows that it is; its own aborts write no row, so a commit recorded while it runs could contradict one. --abort needs neither`,
    );
  }
  return lockDir(dataDir).catch((err: unknown) => {
    throw new ResolveRefusedError(`the coordinator's data dir ${dataDir} is locked (${err instanceof Error ? err.message : String(err)}): it is running; stop it first to record a commit (--abort is safe while it runs)`);
  });
}

async function abortInDoubt(txId: string, reason: string, participants: readonly Target[], inDoubt: ReadonlySet<string>, tls: TlsMaterial | undefined): Promise<void> {
  for (const { id, address } of participants) {
    if (!inDoubt.has(id)) continue;
    await withClient(loadProto().twophase.v1.Participant, address, tls, (client) =>
      call(client.Abort.bind(client) as Unary<object, object>, { txId, reason: `operator: ${reason}` }, `Participant.Abort of ${txId} at ${id} (${address})`),
    );
  }
}

async function audit(dataDir: string, entry: { txId: string; decision: string; reason: string; participants: readonly string[] }): Promise<void> {
  const file = auditFile(dataDir);
  await appendFile(file, `${JSON.stringify({ atUnixMs: Date.now(), ...entry, user: process.env.USER ?? process.env.LOGNAME ?? '' })}\n`);
  await fsyncPath(file);
}
