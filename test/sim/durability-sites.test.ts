/**
 * The removed-fsync table: for every durability call of the decision log and of the blob
 * store (their exported site lists), a scenario that runs the real module over a SimDisk,
 * passes with every sync heeded, and breaks a promise of the module when that one call
 * is ignored (it succeeds and makes nothing durable). So each call is shown necessary,
 * and a call no scenario can catch is listed, with why, instead of being silently trusted.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { decisionLogSyncSites, FileDecisionLog, type DecisionLogSyncSite, type FileDecisionLogOptions } from '../../coordinator/log/file-decision-log.js';
import type { CommitRecord, LogRecord } from '../../coordinator/protocol/log-record.js';
import { arm, disarmAll } from '../../lib/failpoints/failpoints.js';
import { silentLogger } from '../../lib/logger/logger.js';
import { newTxId } from '../../lib/tx-id/tx-id.js';
import { blobStoreSyncSites, type BlobStoreSyncSite } from '../../participant/blob/local/blob-sync-sites.js';
import { LocalBlobStore, type LocalBlobStoreOptions } from '../../participant/blob/local/local-blob-store.js';
import { BranchAlreadyCommittedError } from '../../participant/blob/branch-already-committed-error.js';
import { chunked, contentOf, sha256Of } from '../blob/open-test-store.js';
import { StepAgenda } from '../support/step-agenda.js';
import { frozenClock } from '../support/frozen-clock.js';
import { SimDisk, type SimDiskView } from './sim-disk.js';

afterEach(() => disarmAll());

type Site = DecisionLogSyncSite | BlobStoreSyncSite;

const logDir = '/data/log';
const dataDir = '/data/blob';
const stagingDir = `${dataDir}/staging`;
const committedDir = `${dataDir}/committed`;

/** One run: a seeded agenda, an empty disk, and at most one site ignored. */
class Rig {
  readonly agenda: StepAgenda;
  readonly disk: SimDisk;
  /** The wall clock of the log and the store (Unix ms); the disk stamps ctimes with it. */
  clockMs = 1_700_000_000_000;
  /** Broken promises, in words; a scenario passes when it found none. */
  readonly violations: string[] = [];

  constructor(ignored: Site | undefined, seed = 1) {
    this.agenda = new StepAgenda(seed);
    this.disk = new SimDisk(this.agenda, { nowMs: () => this.clockMs });
    if (ignored !== undefined) this.disk.ignoreSyncs([ignored]);
  }

  async setUp(): Promise<this> {
    // a first start on an empty disk: each module creates its directory, and makes it durable
    this.disk.syncEverything();
    return this;
  }

  run<T>(promise: Promise<T>): Promise<T> {
    return this.agenda.until(promise);
  }

  /** Runs `promise`; its failure (or never settling) is a violation named `what`, and undefined. */
  async attempt<T>(what: string, promise: Promise<T>): Promise<T | undefined> {
    try {
      return await this.run(promise);
    } catch (err) {
      this.violations.push(`${what} failed: ${(err as Error).message}`);
      return undefined;
    }
  }

  expect(holds: boolean, violation: string): void {
    if (!holds) this.violations.push(violation);
  }

  /** A decision log in a new process (view). */
  log(options: Partial<FileDecisionLogOptions> = {}): { readonly log: FileDecisionLog; readonly view: SimDiskView } {
    const view = this.disk.view();
    const log = new FileDecisionLog({
      dir: logDir,
      fs: view,
      nowMs: () => this.clockMs,
      onFatal: (err) => this.violations.push(`decision log fatal: ${err.message}`),
      ...options,
    });
    return { log, view };
  }

  /** Opens a decision log in a new process: its records, or undefined (a violation) when it cannot open. */
  replay(options: Partial<FileDecisionLogOptions> = {}): Promise<{ records: readonly LogRecord[]; truncatedBytes: number } | undefined> {
    return this.attempt('replaying the decision log', this.log(options).log.open());
  }

  /** A blob store in a new process (view), not recovered yet. */
  store(options: Partial<LocalBlobStoreOptions> = {}): { readonly store: LocalBlobStore; readonly view: SimDiskView } {
    const view = this.disk.view();
    const store = new LocalBlobStore({
      dataDir,
      fs: view,
      logger: silentLogger(),
      clock: frozenClock(() => this.clockMs),
      onFatal: (err) => this.violations.push(`blob store fatal: ${err.message}`),
      ...options,
    });
    return { store, view };
  }

  /** A blob store in a new process, recovered: the store and the branches it found in doubt. */
  async recovered(options: Partial<LocalBlobStoreOptions> = {}): Promise<{ store: LocalBlobStore; inDoubt: string[]; view: SimDiskView }> {
    const { store, view } = this.store(options);
    const recovery = await this.attempt('recovering the blob store', store.recover());
    return { store, view, inDoubt: recovery?.prepared.map((p) => p.txId) ?? [] };
  }

  /** Stages `bytes` for `txId` and prepares it; true when the vote is yes. */
  async putAndPrepare(store: LocalBlobStore, txId: string, bytes: Buffer): Promise<boolean> {
    await this.run(store.put(txId, chunked(bytes, 4096), { sha256: sha256Of(bytes), size: bytes.length }));
    return (await this.run(store.prepare(txId))).vote === 'yes';
  }

  /** The published object's bytes are exactly `bytes`. */
  async expectPublished(store: LocalBlobStore, bytes: Buffer, what: string): Promise<void> {
    const read = await this.attempt(`reading ${what}`, store.get(sha256Of(bytes)));
    if (read === undefined) return;
    const parts: Buffer[] = [];
    const collect = async (): Promise<void> => {
      for await (const chunk of read.chunks) parts.push(chunk as Buffer);
    };
    await this.attempt(`reading ${what}`, collect());
    this.expect(Buffer.concat(parts).equals(bytes), `${what} does not have its bytes (${Buffer.concat(parts).length} of ${bytes.length})`);
  }
}

function commit(txId: string, participantBytes = 10): CommitRecord {
  return { kind: 'commit', txId, participants: ['p'.repeat(participantBytes)], decidedAtMs: 1_700_000_000_000 };
}

function commitIds(records: readonly LogRecord[] | undefined): string[] {
  return (records ?? []).filter((r) => r.kind === 'commit').map((r) => r.txId);
}

/** A promise of a module, checked over SimDisk: the violations it found (none: the promise held). */
interface Scenario {
  /** The promise, as a test name states a rule. */
  readonly rule: string;
  readonly run: (rig: Rig) => Promise<void>;
}

const scenarios = {
  syncedCommitSurvives: {
    rule: 'a commit appended with sync survives a power loss (the log directory created by open included)',
    async run(rig) {
      const { log } = rig.log();
      await rig.run(log.open());
      await rig.run(log.append(commit('tx-a'), { sync: true }));
      rig.disk.powerLoss();
      const replayed = await rig.replay();
      rig.expect(commitIds(replayed?.records).includes('tx-a'), 'the synced commit tx-a was lost');
    },
  },

  appendOrderAcrossSegments: {
    rule: 'a synced commit makes every record appended before it durable, in order, across segment rotations',
    async run(rig) {
      const options = { segmentBytesMax: 300, recordBytesMax: 256 };
      const { log } = rig.log(options);
      await rig.run(log.open());
      for (let i = 0; i < 5; i++) await rig.run(log.append(commit(`tx-${i}`), { sync: false }));
      await rig.run(log.append(commit('tx-synced'), { sync: true }));
      rig.expect(log.stats().segments >= 2, `setup: the records span ${log.stats().segments} segment, not several`);
      rig.disk.powerLoss();
      const replayed = await rig.replay(options);
      const ids = commitIds(replayed?.records);
      const expected = ['tx-0', 'tx-1', 'tx-2', 'tx-3', 'tx-4', 'tx-synced'];
      rig.expect(JSON.stringify(ids) === JSON.stringify(expected), `replayed ${JSON.stringify(ids)}, not the records before the synced one`);
    },
  },

  closeFlushes: {
    rule: 'close makes every record appended before it durable',
    async run(rig) {
      const { log } = rig.log();
      await rig.run(log.open());
      await rig.run(log.append(commit('tx-c'), { sync: false }));
      await rig.run(log.close());
      rig.disk.powerLoss();
      const replayed = await rig.replay();
      rig.expect(commitIds(replayed?.records).includes('tx-c'), 'the commit flushed by close was lost');
    },
  },

  replayedIsDurable: {
    rule: 'what a replay returns (a killed process left it in the page cache) is durable before anyone acts on it',
    async run(rig) {
      const { log, view } = rig.log();
      await rig.run(log.open());
      await rig.run(log.append(commit('tx-r'), { sync: false }));
      view.kill('lost');
      const first = await rig.replay();
      rig.expect(commitIds(first?.records).includes('tx-r'), 'setup: the unsynced commit was not in the page cache');
      rig.disk.powerLoss();
      const second = await rig.replay();
      rig.expect(commitIds(second?.records).includes('tx-r'), 'a commit the restarted log replayed (and re-drove) was lost by a power loss');
    },
  },

  reclaimLeavesSuffix: {
    rule: 'segments are deleted oldest first: whatever deletions reached the disk, replay finds no gap',
    async run(rig) {
      // each commit fills most of a segment; the ends fit in the last one
      const options = { segmentBytesMax: 300, recordBytesMax: 256, reclaimDelayMs: 0 };
      const { log } = rig.log(options);
      await rig.run(log.open());
      for (const txId of ['tx-a', 'tx-b', 'tx-c']) await rig.run(log.append(commit(txId, 150), { sync: true }));
      await rig.run(log.append({ kind: 'end', txId: 'tx-b' }, { sync: false }));
      await rig.run(log.append({ kind: 'end', txId: 'tx-a' }, { sync: false }));
      rig.expect(log.stats().segmentsDeleted === 2, `setup: ${log.stats().segmentsDeleted} segments deleted, not 2`);
      // the kernel wrote back the second deletion on its own, and not (yet) the first
      rig.disk.powerLoss({ writeBack: (dir, name) => dir === logDir && name === '0000000000000001.seg' });
      const replayed = await rig.replay(options);
      rig.expect(commitIds(replayed?.records).includes('tx-c'), 'the unended commit tx-c was not replayed');
    },
  },

  truncatedTailStaysReadable: {
    rule: 'after a torn tail is cut off on open, a later power loss leaves a readable log with every synced record',
    async run(rig) {
      const { log } = rig.log();
      await rig.run(log.open());
      await rig.run(log.append(commit('tx-x'), { sync: true }));
      await rig.run(log.append(commit('tx-torn', 200), { sync: false }));
      rig.disk.powerLoss({ tornTails: true });
      const reopened = rig.log();
      const first = await rig.attempt('replaying the torn log', reopened.log.open());
      rig.expect((first?.truncatedBytes ?? 0) > 0, 'setup: the power loss left no torn tail');
      await rig.run(reopened.log.append(commit('tx-y'), { sync: false }));
      rig.disk.powerLoss();
      const second = await rig.replay();
      rig.expect(commitIds(second?.records).includes('tx-x'), 'the synced commit tx-x was lost');
    },
  },

  tornReplayIsDurable: {
    rule: 'what a replay returns ahead of a torn tail it cut off (a killed process left both in the page cache) is durable before anyone acts on it',
    async run(rig) {
      const { log, view } = rig.log();
      await rig.run(log.open());
      await rig.run(log.append(commit('tx-r'), { sync: false }));
      view.kill('lost');
      // the killed process's last write, cut short: the first bytes of a frame after the record
      const writer = rig.disk.view();
      const segment = await rig.run(writer.open(`${logDir}/0000000000000000.seg`, 'r+'));
      const { size } = await rig.run(segment.stat());
      await rig.run(segment.write(Buffer.from([0x40, 0, 0, 0, 1, 2]), 0, 6, size));
      await rig.run(segment.close());
      const first = await rig.replay();
      rig.expect((first?.truncatedBytes ?? 0) > 0, 'setup: the replay cut no torn tail');
      rig.expect(commitIds(first?.records).includes('tx-r'), 'setup: the unsynced commit was not in the page cache');
      rig.disk.powerLoss();
      const second = await rig.replay();
      rig.expect(commitIds(second?.records).includes('tx-r'), 'a commit the restarted log replayed (and re-drove) was lost by a power loss');
    },
  },

  yesVoteSurvives: {
    rule: 'a branch that voted yes is in doubt after a power loss, and its commit publishes the exact bytes',
    async run(rig) {
      const txId = newTxId();
      const bytes = contentOf(10_000, 1);
      const { store } = await rig.recovered();
      rig.expect(await rig.putAndPrepare(store, txId, bytes), 'setup: prepare did not vote yes');
      rig.disk.powerLoss();
      const after = await rig.recovered();
      rig.expect(after.inDoubt.includes(txId), 'a branch that voted yes was lost by a power loss');
      if (!after.inDoubt.includes(txId)) return;
      await rig.attempt('committing the recovered branch', after.store.commit(txId));
      await rig.expectPublished(after.store, bytes, 'the committed object');
    },
  },

  ackedCommitStays: {
    rule: 'an acked commit stays committed through a power loss: not in doubt, verified on a repeated Commit, its bytes published',
    async run(rig) {
      const txId = newTxId();
      const bytes = contentOf(10_000, 2);
      const { store } = await rig.recovered();
      rig.expect(await rig.putAndPrepare(store, txId, bytes), 'setup: prepare did not vote yes');
      await rig.run(store.commit(txId));
      await rig.run(store.retired());
      // another tx's prepare fsyncs staging/: the committed branch's removed names are durable now
      rig.expect(await rig.putAndPrepare(store, newTxId(), contentOf(5_000, 3)), 'setup: the second prepare did not vote yes');
      rig.disk.powerLoss();
      const after = await rig.recovered();
      rig.expect(!after.inDoubt.includes(txId), 'an acked commit came back in doubt (a coordinator that forgot it would presume abort)');
      const again = await rig.attempt('a repeated Commit of the acked branch', after.store.commit(txId));
      rig.expect(again === undefined || again.alreadyCommitted, 'a repeated Commit was not answered as already committed');
      const abort = await rig.run(after.store.abort(txId)).then(
        () => 'acked',
        (err: unknown) => (err instanceof BranchAlreadyCommittedError ? 'refused' : String(err)),
      );
      rig.expect(abort === 'refused', `an abort of the acked commit was ${abort}, not refused`);
      await rig.expectPublished(after.store, bytes, 'the committed object');
    },
  },

  killedCommitFinished: {
    rule: 'a commit killed before its record was synced is finished by recovery, durably: Commit succeeds after a later power loss',
    async run(rig) {
      const txId = newTxId();
      const bytes = contentOf(10_000, 4);
      const { store, view } = await rig.recovered();
      rig.expect(await rig.putAndPrepare(store, txId, bytes), 'setup: prepare did not vote yes');
      void store.commit(txId).catch(() => undefined);
      // linked into objects/ and committed/, the fsync of committed/ issued: the process dies
      await rig.agenda.runWhile(() => rig.disk.syncCalls('blob.committed-dir.commit') === 0);
      view.kill('lost');
      const recovered = await rig.recovered();
      // another tx's prepare fsyncs staging/: the names recovery removed (the marker, the staged object) are gone durably
      rig.expect(await rig.putAndPrepare(recovered.store, newTxId(), contentOf(100, 9)), 'setup: the second prepare did not vote yes');
      rig.disk.powerLoss();
      const after = await rig.recovered();
      // finished (a repeated Commit is verified) or still in doubt (Commit publishes): either way it succeeds
      await rig.attempt('the coordinator re-driving Commit', after.store.commit(txId));
      await rig.expectPublished(after.store, bytes, 'the committed object');
    },
  },

  migrationKeepsPrepared: {
    rule: 'a prepared branch of the earlier layout stays prepared whatever part of its migration reached the disk',
    async run(rig) {
      const txId = newTxId();
      const bytes = contentOf(10_000, 5);
      const file = `${'ab'.repeat(16)}.data`;
      const setup = rig.disk.view();
      await rig.run(setup.mkdir(`${stagingDir}/${txId}`, { recursive: true }));
      const handle = await rig.run(setup.open(`${stagingDir}/${txId}/${file}`, 'wx'));
      await rig.run(handle.write(bytes, 0, bytes.length, 0));
      await rig.run(handle.close());
      const manifest = { version: 1, txId, preparedAtMs: rig.clockMs, objects: [{ file, size: bytes.length, sha256: sha256Of(bytes) }] };
      await rig.run(setup.writeFile(`${stagingDir}/${txId}/MANIFEST.json`, JSON.stringify(manifest)));
      rig.disk.syncEverything();
      const { store } = rig.store();
      // the old directory is removed, and that removal reached the disk on its own when the power goes
      await rig.attempt('recovering the blob store', store.recover());
      rig.disk.powerLoss({ writeBack: (dir, name) => dir === stagingDir && name === txId });
      const after = await rig.recovered();
      rig.expect(after.inDoubt.includes(txId), 'a prepared branch was lost while being moved to the flat layout');
      if (!after.inDoubt.includes(txId)) return;
      await rig.attempt('committing the migrated branch', after.store.commit(txId));
      await rig.expectPublished(after.store, bytes, 'the committed object');
    },
  },

  sweptRecordStaysGone: {
    rule: 'a commit whose record was swept never comes back in doubt, whatever of the sweep reached the disk',
    async run(rig) {
      const txId = newTxId();
      const options = { committedRetentionMs: 1_000 };
      const { store } = await rig.recovered(options);
      rig.expect(await rig.putAndPrepare(store, txId, contentOf(10_000, 6)), 'setup: prepare did not vote yes');
      await rig.run(store.commit(txId));
      await rig.run(store.retired());
      rig.clockMs += 5_000;
      rig.expect((await rig.run(store.sweepCommitted())) === 1, 'setup: the sweep removed no record');
      // the removal of the record reached the disk on its own (it is never fsynced)
      rig.disk.powerLoss({ writeBack: (dir) => dir === committedDir });
      const after = await rig.recovered(options);
      rig.expect(!after.inDoubt.includes(txId), 'a commit whose record was swept came back in doubt (its coordinator forgot it long ago: presumed abort)');
    },
  },

  sweptRecordKeepsObjects: {
    rule: 'the objects of a commit whose staged names were never retired stay published once its record is swept',
    async run(rig) {
      const txId = newTxId();
      const bytes = contentOf(10_000, 7);
      const options = { committedRetentionMs: 1_000 };
      const { store } = await rig.recovered(options);
      rig.expect(await rig.putAndPrepare(store, txId, bytes), 'setup: prepare did not vote yes');
      // retiring fails: the staged names stay, the links into objects/ are not fsynced ("a restart retires them")
      arm('participant.blob.commit.before-retire', { kind: 'error' });
      await rig.run(store.commit(txId));
      await rig.run(store.retired());
      disarmAll();
      rig.clockMs += 5_000;
      rig.expect((await rig.run(store.sweepCommitted())) === 1, 'setup: the sweep removed no record');
      rig.disk.powerLoss({ writeBack: (dir) => dir === committedDir });
      const after = await rig.recovered(options);
      await rig.expectPublished(after.store, bytes, 'the committed object');
    },
  },

  abortStaysAborted: {
    rule: 'an acked abort does not come back in doubt after a power loss',
    async run(rig) {
      const txId = newTxId();
      const { store } = await rig.recovered();
      rig.expect(await rig.putAndPrepare(store, txId, contentOf(10_000, 8)), 'setup: prepare did not vote yes');
      await rig.run(store.abort(txId));
      rig.disk.powerLoss();
      const after = await rig.recovered();
      rig.expect(!after.inDoubt.includes(txId), 'an aborted branch came back in doubt');
    },
  },

  repeatedCommitAcked: {
    rule: 'a repeated Commit, acked, stays committed through a power loss',
    async run(rig) {
      const txId = newTxId();
      const bytes = contentOf(10_000, 9);
      const { store } = await rig.recovered();
      rig.expect(await rig.putAndPrepare(store, txId, bytes), 'setup: prepare did not vote yes');
      await rig.run(store.commit(txId));
      const again = await rig.run(store.commit(txId));
      rig.expect(again.alreadyCommitted, 'setup: the repeated Commit was not verified');
      rig.disk.powerLoss();
      const after = await rig.recovered();
      await rig.attempt('a third Commit', after.store.commit(txId));
      await rig.expectPublished(after.store, bytes, 'the committed object');
    },
  },
} satisfies Record<string, Scenario>;

/** The scenario that breaks when one site is ignored: the row of the removed-fsync table. */
const table: Record<Site, Scenario> = {
  'log.segment.datasync': scenarios.syncedCommitSurvives,
  'log.dir.create-segment': scenarios.syncedCommitSurvives,
  'log.dirs.open': scenarios.syncedCommitSurvives,
  'log.segment.rotate': scenarios.appendOrderAcrossSegments,
  'log.segment.close': scenarios.closeFlushes,
  'log.segment.replay': scenarios.replayedIsDurable,
  'log.dir.delete-segment': scenarios.reclaimLeavesSuffix,
  'log.segment.truncate': scenarios.tornReplayIsDurable,
  'blob.staged.fdatasync': scenarios.yesVoteSurvives,
  'blob.staging-dir.prepare': scenarios.yesVoteSurvives,
  'blob.dirs.recover': scenarios.yesVoteSurvives,
  'blob.committed-dir.commit': scenarios.ackedCommitStays,
  'blob.object-dir.retire': scenarios.ackedCommitStays,
  'blob.objects-root.recover': scenarios.ackedCommitStays,
  'blob.committed-dir.recover': scenarios.killedCommitFinished,
  'blob.object-dir.recover': scenarios.killedCommitFinished,
  'blob.staging-dir.migrate': scenarios.migrationKeepsPrepared,
  'blob.staging-dir.sweep': scenarios.sweptRecordStaysGone,
  'blob.object-dir.sweep': scenarios.sweptRecordKeepsObjects,
  'blob.staging-dir.abort': scenarios.abortStaysAborted,
};

/** Each row runs on these seeds (the delays, hence the interleavings, and the torn tails differ). */
const seeds = [1, 2, 3];

async function outcome(scenario: Scenario, ignored: Site | undefined, seed: number): Promise<{ violations: string[]; rig: Rig }> {
  const rig = await new Rig(ignored, seed).setUp();
  await scenario.run(rig);
  return { violations: rig.violations, rig };
}

describe('the removed-fsync table: each durability call, ignored alone, breaks a promise', () => {
  for (const [site, scenario] of Object.entries(table) as [Site, Scenario][]) {
    it(`without ${site}: ${scenario.rule} — fails`, async () => {
      for (const seed of seeds) {
        const heeded = await outcome(scenario, undefined, seed);
        expect(heeded.violations, `seed ${seed}`).toEqual([]);
        expect(heeded.rig.disk.syncCalls(site)).toBeGreaterThan(0);
        const ignored = await outcome(scenario, site, seed);
        expect(ignored.rig.disk.syncCalls(site)).toBeGreaterThan(0);
        expect(ignored.violations, `seed ${seed}`).not.toEqual([]);
        expect(ignored.violations.filter((v) => v.startsWith('setup:')), `seed ${seed}`).toEqual([]);
      }
    });
  }

  // rules kept without a sync of their own (the syncs that once served them were shown
  // unnecessary and removed: the log's after a truncation is now needed for what replay
  // returned, and is in the table)
  for (const scenario of [scenarios.truncatedTailStaysReadable, scenarios.repeatedCommitAcked, scenarios.killedCommitFinished]) {
    it(`${scenario.rule} — holds`, async () => {
      for (const seed of seeds) expect((await outcome(scenario, undefined, seed)).violations, `seed ${seed}`).toEqual([]);
    });
  }

  it('every site of both modules has a row, and every row is a site', () => {
    expect(Object.keys(table).sort()).toEqual([...decisionLogSyncSites, ...blobStoreSyncSites].sort());
  });
});

describe('a blob store start killed before it synced what it created', () => {
  // found by the simulator (seeds 595, 660, 1264, 1300 of 5e9482c): recovery synced objects/
  // only when that start had created the object directories itself
  it('leaves nothing a later start fails to make durable: an acked commit then survives a power loss', async () => {
    const rig = await new Rig(undefined).setUp();
    const first = rig.store();
    void first.store.recover().catch(() => undefined);
    // killed with the sync of objects/ issued and not landed: the object directories exist in the page cache only
    await rig.agenda.runWhile(() => rig.disk.syncCalls('blob.objects-root.recover') === 0);
    first.view.kill('lost');

    const txId = newTxId();
    const bytes = contentOf(10_000, 7);
    const { store } = await rig.recovered();
    rig.expect(await rig.putAndPrepare(store, txId, bytes), 'setup: prepare did not vote yes');
    await rig.attempt('committing', store.commit(txId));
    await rig.run(store.retired());
    // another tx's prepare fsyncs staging/: the committed branch's removed names are durable now
    rig.expect(await rig.putAndPrepare(store, newTxId(), contentOf(100, 8)), 'setup: the second prepare did not vote yes');
    rig.disk.powerLoss();

    const after = await rig.recovered();
    rig.expect(!after.inDoubt.includes(txId), 'an acked commit came back in doubt');
    await rig.expectPublished(after.store, bytes, 'the committed object');
    expect(rig.violations).toEqual([]);
  });
});

describe('the site lists name every durability call in the source, each once', () => {
  // each module: the files that make its durability calls, and the file declaring the list
  const modules = [
    { name: 'the decision log', dir: 'coordinator/log', listFile: 'file-decision-log.ts', list: 'decisionLogSyncSites', sites: decisionLogSyncSites, prefix: 'log' },
    { name: 'the local blob store', dir: 'participant/blob/local', listFile: 'blob-sync-sites.ts', list: 'blobStoreSyncSites', sites: blobStoreSyncSites, prefix: 'blob' },
  ] as const;

  /** Every .ts file of `dir`, the declaration of the list cut out of its own file. */
  async function sourcesOf(dir: string, listFile: string, list: string): Promise<{ readonly file: string; readonly code: string }[]> {
    const root = fileURLToPath(new URL(`../../${dir}/`, import.meta.url));
    const files = (await readdir(root)).filter((f) => f.endsWith('.ts')).sort();
    expect(files).toContain(listFile);
    return Promise.all(
      files.map(async (file) => {
        const source = await readFile(path.join(root, file), 'utf8');
        if (file !== listFile) return { file, code: source };
        const start = source.indexOf(`export const ${list} = [`);
        const end = source.indexOf('] as const;', start);
        expect(start).toBeGreaterThan(-1);
        return { file, code: source.slice(0, start) + source.slice(end) };
      }),
    );
  }

  for (const { name, dir, listFile, list, sites, prefix } of modules) {
    it(`${name} (${dir}/): the site names passed to sync calls are exactly ${list}, one call site each`, async () => {
      const literal = new RegExp(`'(${prefix}\\.[a-z0-9.-]+)'`, 'g');
      const used = (await sourcesOf(dir, listFile, list)).flatMap(({ code }) => [...code.matchAll(literal)].map((m) => m[1]!));
      expect(used.sort()).toEqual([...sites].sort());
    });

    it(`${name} (${dir}/): every sync call passes a site: a literal, or the site its helper was given`, async () => {
      let calls = 0;
      for (const { file, code } of await sourcesOf(dir, listFile, list)) {
        // a method call (`handle.sync(…)`, `this.syncDir(…)`), not the callback a helper runs
        for (const [call, , args] of code.matchAll(/\.(datasync|sync|syncDir|syncObjectDirs)\(([^()]*)\)/g)) {
          calls++;
          const passesSite = new RegExp(`'${prefix}\\.|\\bsites?\\b`).test(args ?? '');
          expect(passesSite, `${file}: ${call} names no site`).toBe(true);
        }
      }
      expect(calls).toBeGreaterThan(0);
    });
  }
});
