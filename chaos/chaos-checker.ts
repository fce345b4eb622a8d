import { limits } from '../lib/limits/limits.js';
import type { ChaosTarget, CommitMode, DecisionLogKind } from './chaos-target.js';
import { acknowledged, type Op } from './chaos-workload.js';
import { shardOf } from '../lib/shard-map/shard-map.js';

/** The five invariants of DESIGN.md, and `commit-mode`: the system committed as the run's mode says. */
export type Invariant = 'atomicity' | 'durability' | 'no-orphans' | 'liveness' | 'no-lost-update' | 'commit-mode';

export interface Violation {
  readonly invariant: Invariant;
  readonly detail: string;
}

interface RevisionRow {
  path: string;
  revision: string;
  sha256: string | null;
  tx_id: string;
  deleted: boolean;
}

/**
 * Waits until recovery has run to its end — no prepared transaction of ours, no staged
 * blob, no unfinished tx at the coordinator, no branch at a participant, the gateway
 * answering — or the bound passes (a liveness violation).
 */
export async function awaitRecovery(system: ChaosTarget, boundMs: number): Promise<{ recoveredInMs: number; violations: Violation[] }> {
  const started = Date.now();
  let last = 'nothing checked yet';
  while (Date.now() - started < boundMs) {
    last = await leftovers(system).catch((err: unknown) => `cannot check: ${err instanceof Error ? err.message : String(err)}`);
    if (last === '') return { recoveredInMs: Date.now() - started, violations: [] };
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return { recoveredInMs: Date.now() - started, violations: [{ invariant: 'liveness', detail: `not recovered within ${boundMs} ms: ${last}` }] };
}

/** What is still unfinished, or '' when everything ended. */
async function leftovers(system: ChaosTarget): Promise<string> {
  const found: string[] = [];
  const prepared = await system.query<{ gid: string }>(`SELECT gid FROM pg_prepared_xacts WHERE gid LIKE 'twophase:%'`);
  if (prepared.length > 0) found.push(`${prepared.length} prepared PostgreSQL transactions`);
  const staged = await system.leftoverStaging();
  if (staged !== '') found.push(staged);
  const coordinator = await system.stats('coordinator');
  if ((coordinator.live_txs ?? 0) > 0) found.push(`${coordinator.live_txs} unfinished txs at the coordinator`);
  for (const [name, stats] of Object.entries(await system.extraProcessStats())) {
    if ((stats.live_txs ?? 0) > 0) found.push(`${stats.live_txs} unfinished txs at ${name}`);
    if ((stats.branches ?? 0) > 0) found.push(`${stats.branches} branches at ${name}`);
  }
  for (const p of ['blob', 'metadata'] as const) {
    const stats = await system.stats(p);
    if ((stats.branches ?? 0) > 0) found.push(`${stats.branches} branches at ${p}`);
  }
  // the checker asks GetOutcome through it: a gateway killed last and still restarting would read as outcomes unknown
  const gateway = await system.httpFetch(`${system.http}/healthz`, { signal: AbortSignal.timeout(3_000) }).then(
    (res) => (res.ok ? '' : `the gateway answers HTTP ${res.status}`),
    (err: unknown) => `the gateway does not answer (${err instanceof Error ? err.message : String(err)})`,
  );
  if (gateway !== '') found.push(gateway);
  return found.join(', ');
}

/**
 * What a last-resource run saw prepared in the last resource's PostgreSQL. The last
 * resource commits one-phase and never prepares (DESIGN.md *Last-resource commit*), so a
 * prepared transaction of ours there, at any moment, is a tx the coordinator ran as two-phase
 * commit with it. Sampled while the run goes and once more after recovery: a PREPARE that
 * ends between two samples is missed, but a coordinator that prepares the last resource
 * does so on every tx, and a run has hundreds.
 */
export class PreparedAtLastResource {
  private readonly seen = new Set<string>();

  constructor(private readonly system: ChaosTarget) {}

  /** Looks once; a database that does not answer now (killed, restarting) is looked at next time. */
  async sample(): Promise<void> {
    const rows = await this.system
      .query<{ gid: string }>(`SELECT gid FROM pg_prepared_xacts WHERE gid LIKE 'twophase:%' LIMIT $1`, [limits.chaosPreparedSeenMax])
      .catch(() => []);
    for (const { gid } of rows) if (this.seen.size < limits.chaosPreparedSeenMax) this.seen.add(gid);
  }

  violations(): Violation[] {
    if (this.seen.size === 0) return [];
    const some = [...this.seen].slice(0, 3).join(', ');
    const count = this.seen.size < limits.chaosPreparedSeenMax ? `${this.seen.size}` : `at least ${this.seen.size}`;
    return [{ invariant: 'commit-mode', detail: `last-resource mode, yet ${count} prepared transactions were seen at the last resource (${some}); it must commit one-phase only` }];
  }
}

/**
 * Checks the five invariants of DESIGN.md over every operation of the run, and, when the
 * run knows the mode (`commitMode`, undefined against a deployment), what that mode rules
 * out in the markers.
 */
export async function checkInvariants(system: ChaosTarget, namespace: string, ops: readonly Op[], commitMode: CommitMode | undefined, decisionLog: DecisionLogKind = 'file'): Promise<Violation[]> {
  const violations: Violation[] = [];
  const rows = await system.query<RevisionRow>('SELECT path, revision, sha256, tx_id, deleted FROM revisions WHERE namespace = $1', [namespace]);
  // read before any GetOutcome below: that settles a tx the coordinator does not know by writing an abort
  if (decisionLog === 'shared') violations.push(...(await checkSharedLog(system, rows, ops)));
  // read before any GetOutcome below: in last-resource mode that settles a forgotten tx by writing its marker
  violations.push(...(await checkMarkers(system, rows, ops, commitMode)));
  const bySha = new Map<string, RevisionRow>();
  for (const row of rows) if (row.sha256 !== null && row.sha256 !== '') bySha.set(row.sha256, row);
  const writes = ops.filter((o) => o.kind === 'upload' || o.kind === 'overwrite');
  const knownShas = new Set(writes.map((o) => o.sha256));

  for (const op of writes) {
    const row = bySha.get(op.sha256);
    const object = await system.objectState(op.sha256);
    const inMetadata = row !== undefined;
    if (object === 'corrupt') violations.push({ invariant: 'durability', detail: `object ${op.sha256} (${op.path}) does not hash to its name` });
    if (acknowledged(op)) {
      if (!inMetadata || object !== 'present') violations.push({ invariant: 'durability', detail: `${op.path} was acknowledged (tx ${op.txId}) but metadata ${inMetadata ? 'has' : 'lacks'} it and the blob is ${object}` });
      else if (Number(row.revision) !== op.revision) violations.push({ invariant: 'durability', detail: `${op.path}: acknowledged as revision ${op.revision}, stored as ${row.revision}` });
    } else if (inMetadata !== (object === 'present')) {
      violations.push({ invariant: 'atomicity', detail: `${op.path} (status ${op.status}, tx ${op.txId ?? 'unknown'}): metadata ${inMetadata ? 'has' : 'lacks'} it but the blob is ${object}` });
    }
    if (!acknowledged(op) && op.txId !== undefined) {
      const outcome = await outcomeOf(system, op.txId);
      const expected = inMetadata ? 'committed' : 'aborted';
      if (outcome !== expected) violations.push({ invariant: 'atomicity', detail: `${op.path}: GetOutcome(${op.txId}) is ${outcome} but the data says ${expected}` });
    }
    if (inMetadata && op.ifMatch !== undefined) {
      const expectedRevision = op.ifMatch + 1;
      if (Number(row.revision) !== expectedRevision) {
        violations.push({ invariant: 'no-lost-update', detail: `${op.path}: a write conditioned on revision ${op.ifMatch} was stored as revision ${row.revision}` });
      }
    }
  }
  for (const op of ops.filter((o) => o.kind === 'delete' && acknowledged(o))) {
    if (!rows.some((r) => r.path === op.path && r.deleted && Number(r.revision) === op.revision)) {
      violations.push({ invariant: 'durability', detail: `delete of ${op.path} was acknowledged as revision ${op.revision} but no such tombstone exists` });
    }
  }
  for (const row of rows) {
    if (row.sha256 !== null && row.sha256 !== '' && !knownShas.has(row.sha256)) {
      violations.push({ invariant: 'atomicity', detail: `${row.path} revision ${row.revision} holds content no client wrote` });
    }
  }
  violations.push(...revisionGaps(rows));
  return violations;
}

/**
 * With sharded metadata, the moves of the run, each an upload of `namespace` moved to the
 * same path of `toNamespace` (on another shard) in one tx over both: after every run each
 * moved file is in exactly one of the two namespaces, with its bytes; an acknowledged move
 * is at the destination, as the revision it was told; an unacknowledged one is where its
 * outcome says; and the destination holds nothing else. Its revisions have their markers in
 * their own shard's database, and with a shared decision log their tx's `commit` row.
 */
export async function checkMoves(system: ChaosTarget, namespace: string, toNamespace: string, ops: readonly Op[], decisionLog: DecisionLogKind = 'file'): Promise<Violation[]> {
  const moves = ops.filter((o) => o.kind === 'move');
  // each namespace's revisions are on its own shard (as the coordinators' list and shardOf place it), and on no other
  const out: Violation[] = [];
  const select = 'SELECT path, revision, sha256, tx_id, deleted FROM revisions WHERE namespace = $1';
  const rowsOf = async (ns: string): Promise<RevisionRow[]> => {
    const own = shardOf(ns, system.metadataShards);
    let rows: RevisionRow[] = [];
    for (const shard of system.metadataShards) {
      const found = await system.queryShard<RevisionRow>(shard, select, [ns]);
      if (shard === own) rows = found;
      else if (found.length > 0) out.push({ invariant: 'atomicity', detail: `namespace ${ns} belongs to shard ${own}, yet ${found.length} of its revisions are at ${shard}` });
    }
    return rows;
  };
  const source = await rowsOf(namespace);
  const destination = await rowsOf(toNamespace);
  const toShard = shardOf(toNamespace, system.metadataShards);
  const latest = (rows: readonly RevisionRow[], path: string): RevisionRow | undefined =>
    rows.filter((r) => r.path === path).sort((a, b) => Number(b.revision) - Number(a.revision))[0];
  for (const op of moves) {
    const from = latest(source, op.path);
    const to = latest(destination, op.path);
    const atSource = from !== undefined && !from.deleted && from.sha256 === op.sha256;
    const atDestination = to !== undefined && !to.deleted && to.sha256 === op.sha256;
    if (atSource === atDestination) {
      out.push({ invariant: 'atomicity', detail: `${op.path} (move, status ${op.status}, tx ${op.txId ?? 'unknown'}) is ${atSource ? `in both ${namespace} and ${toNamespace}` : `in neither ${namespace} nor ${toNamespace}`}` });
      continue;
    }
    if (atDestination && (await system.objectState(op.sha256)) !== 'present') out.push({ invariant: 'durability', detail: `${toNamespace}/${op.path} was moved, but its object ${op.sha256} is not stored whole` });
    if (acknowledged(op)) {
      if (!atDestination) out.push({ invariant: 'durability', detail: `the move of ${op.path} was acknowledged (tx ${op.txId}) but the file is still in ${namespace}` });
      else if (Number(to.revision) !== op.revision) out.push({ invariant: 'durability', detail: `${toNamespace}/${op.path}: the move was acknowledged as revision ${op.revision}, stored as ${to.revision}` });
    } else if (op.txId !== undefined) {
      const outcome = await outcomeOf(system, op.txId);
      const expected = atDestination ? 'committed' : 'aborted';
      if (outcome !== expected) out.push({ invariant: 'atomicity', detail: `the move of ${op.path}: GetOutcome(${op.txId}) is ${outcome} but the data says ${expected}` });
    }
  }
  const moved = new Map(moves.map((m) => [m.path, m.sha256]));
  for (const row of destination) {
    if (moved.get(row.path) !== row.sha256) out.push({ invariant: 'atomicity', detail: `${toNamespace}/${row.path} revision ${row.revision} is no file the run moved there` });
  }
  out.push(...revisionGaps(destination));
  // the destination's markers are in its own shard's database
  const markers = await system.queryShard<{ tx_id: string; outcome: string }>(toShard, 'SELECT tx_id, outcome FROM tx_markers WHERE tx_id = ANY($1::text[])', [destination.map((r) => r.tx_id)]);
  for (const row of destination) {
    if (!markers.some((m) => m.tx_id === row.tx_id && m.outcome === 'committed')) out.push({ invariant: 'atomicity', detail: `${toNamespace}/${row.path} revision ${row.revision} is stored, but its tx ${row.tx_id} has no committed marker at ${toShard}` });
  }
  if (decisionLog === 'shared') out.push(...(await checkSharedLog(system, destination, moves)));
  return out;
}

/**
 * Every stored revision's tx has a committed marker: the marker goes in with the branch's
 * first write and commits with it, in either mode. It is what verifies a repeated Commit in
 * two-phase mode, and in last-resource mode it is the decision itself: a revision without
 * it is a commit that a later compare-and-set would answer as aborted. An aborted marker is
 * written only by that compare-and-set, at a last resource: in two-phase mode there is none.
 */
async function checkMarkers(system: ChaosTarget, rows: readonly RevisionRow[], ops: readonly Op[], commitMode: CommitMode | undefined): Promise<Violation[]> {
  const txIds = [...new Set([...rows.map((r) => r.tx_id), ...ops.flatMap((o) => (o.txId === undefined ? [] : [o.txId]))])];
  if (txIds.length === 0) return [];
  const markers = await system.query<{ tx_id: string; outcome: string }>('SELECT tx_id, outcome FROM tx_markers WHERE tx_id = ANY($1::text[])', [txIds]);
  const outcomes = new Map<string, string[]>();
  for (const m of markers) outcomes.set(m.tx_id, [...(outcomes.get(m.tx_id) ?? []), m.outcome]);
  const out: Violation[] = [];
  for (const row of rows) {
    const found = outcomes.get(row.tx_id) ?? [];
    if (!found.includes('committed')) {
      out.push({ invariant: 'atomicity', detail: `${row.path} revision ${row.revision} is stored, but its tx ${row.tx_id} has ${found.length === 0 ? 'no marker' : `only a marker ${found.join(', ')}`}` });
    }
  }
  if (commitMode === 'two-phase') {
    const resolved = markers.filter((m) => m.outcome === 'aborted').map((m) => m.tx_id);
    if (resolved.length > 0) out.push({ invariant: 'commit-mode', detail: `two-phase mode, yet ${resolved.length} txs have an aborted marker, which only a last resource's compare-and-set writes (${resolved.slice(0, 3).join(', ')})` });
  }
  return out;
}

/**
 * With a shared decision log, its rows against the data: every stored revision's tx has a
 * `commit` row (none is swept within a run: ended commits stay an hour), and no tx of the
 * run with a `commit` row is missing from the data. An `abort` row beside stored data is
 * the contradiction the compare-and-set exists to rule out.
 */
async function checkSharedLog(system: ChaosTarget, rows: readonly RevisionRow[], ops: readonly Op[]): Promise<Violation[]> {
  const runTxIds = new Set(ops.flatMap((o) => (o.txId === undefined ? [] : [o.txId])));
  const txIds = [...new Set([...rows.map((r) => r.tx_id), ...runTxIds])];
  if (txIds.length === 0) return [];
  const decisions = new Map(
    (await system.query<{ tx_id: string; decision: string }>('SELECT tx_id, decision FROM twophase_decisions WHERE tx_id = ANY($1::text[])', [txIds])).map((d) => [d.tx_id, d.decision]),
  );
  const stored = new Set(rows.map((r) => r.tx_id));
  const out: Violation[] = [];
  for (const row of rows) {
    const decision = decisions.get(row.tx_id);
    if (decision !== 'commit') out.push({ invariant: 'atomicity', detail: `${row.path} revision ${row.revision} is stored, but the shared decision log has ${decision === undefined ? 'no decision' : `only an ${decision}`} for its tx ${row.tx_id}` });
  }
  for (const txId of runTxIds) {
    if (decisions.get(txId) === 'commit' && !stored.has(txId)) out.push({ invariant: 'atomicity', detail: `the shared decision log holds a commit of ${txId}, but no revision of it is stored` });
  }
  return out;
}

/** Every write makes a new revision: each path's revisions are exactly 1..n. */
function revisionGaps(rows: readonly RevisionRow[]): Violation[] {
  const byPath = new Map<string, number[]>();
  for (const row of rows) byPath.set(row.path, [...(byPath.get(row.path) ?? []), Number(row.revision)]);
  const out: Violation[] = [];
  for (const [path, revisions] of byPath) {
    const sorted = revisions.sort((a, b) => a - b);
    if (sorted.some((r, i) => r !== i + 1)) out.push({ invariant: 'no-lost-update', detail: `${path} has revisions ${sorted.join(',')}, not 1..${sorted.length}` });
  }
  return out;
}

async function outcomeOf(system: ChaosTarget, txId: string): Promise<string> {
  try {
    const res = await system.httpFetch(`${system.http}/v1/transactions/${txId}`, { signal: AbortSignal.timeout(10_000) });
    const body = (await res.json()) as { outcome?: string };
    return body.outcome ?? `HTTP ${res.status}`;
  } catch (err) {
    return `unreachable (${err instanceof Error ? err.message : String(err)})`;
  }
}
