import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { arm, disarmAll, FailpointError } from '../../lib/failpoints/failpoints.js';
import { newTxId } from '../../lib/tx-id/tx-id.js';
import { BranchAlreadyCommittedError } from '../../participant/blob/branch-already-committed-error.js';
import type { BlobManifest } from '../../participant/blob/local/blob-manifest.js';
import type { LocalBlobStore } from '../../participant/blob/local/local-blob-store.js';
import { frozenClock } from '../support/frozen-clock.js';
import { RangeNotSatisfiableError } from '../../participant/blob/range-not-satisfiable-error.js';
import {
  BranchNotCommittedError,
  ChecksumMismatchError,
  LimitExceededError,
  NotFoundError,
  TxNotActiveError,
} from '../../participant/participant-errors.js';
import { chunked, contentOf, makeBlobDir, openTestStore, restartStore, sha256Of } from './open-test-store.js';

afterEach(() => disarmAll());

const objectPath = (dataDir: string, sha256: string): string => path.join(dataDir, 'objects', sha256.slice(0, 2), sha256);

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

/** Every file under `dir`, relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

async function readAll(store: LocalBlobStore, sha256: string, range?: { offset?: number; length?: number }): Promise<Buffer> {
  const read = await store.get(sha256, range);
  const parts: Buffer[] = [];
  for await (const chunk of read.chunks) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

async function readManifest(dataDir: string, txId: string): Promise<BlobManifest> {
  return JSON.parse(await readFile(path.join(dataDir, 'staging', `${txId}.prepared`), 'utf8')) as BlobManifest;
}

/** Where a staged object of `txId` lies (see BlobLayout). */
function stagedPath(dataDir: string, txId: string, object: BlobManifest['objects'][number]): string {
  return path.join(dataDir, 'staging', `${txId}.${object.file.slice(0, 32)}.${object.size}.${object.sha256}.data`);
}

/** The entries of staging/ that belong to `txId`. */
async function stagedOf(dataDir: string, txId: string): Promise<string[]> {
  return (await readdir(path.join(dataDir, 'staging'))).filter((name) => name.startsWith(`${txId}.`));
}

describe('LocalBlobStore', () => {
  it('prepare + commit publishes the bytes at objects/<aa>/<sha256>, and the file hashes to its name', async () => {
    const dataDir = await makeBlobDir();
    const store = await openTestStore({ dataDir });
    const txId = newTxId();
    const bytes = contentOf(300_000);

    const put = await store.put(txId, chunked(bytes), { sha256: sha256Of(bytes), size: bytes.length });
    expect(put).toEqual({ sha256: sha256Of(bytes), size: bytes.length });
    await expect(store.stat(put.sha256)).rejects.toThrow(NotFoundError);

    expect(await store.prepare(txId)).toEqual({ vote: 'yes' });
    await expect(store.stat(put.sha256)).rejects.toThrow(NotFoundError);

    expect(await store.commit(txId)).toEqual({ alreadyCommitted: false });
    const published = await readFile(objectPath(dataDir, put.sha256));
    expect(sha256Of(published)).toBe(put.sha256);
    expect(await store.stat(put.sha256)).toEqual({ size: bytes.length });
    expect((await readAll(store, put.sha256)).equals(bytes)).toBe(true);
    await store.retired();
    expect(await filesUnder(path.join(dataDir, 'staging'))).toEqual([]);
    expect(await exists(path.join(dataDir, 'committed', `${txId}.json`))).toBe(true);
  });

  it('prepare + abort leaves nothing in staging or objects', async () => {
    const dataDir = await makeBlobDir();
    const store = await openTestStore({ dataDir });
    const txId = newTxId();
    await store.put(txId, chunked(contentOf(10_000)));
    await store.put(txId, chunked(contentOf(20_000, 2)));

    expect(await store.prepare(txId)).toEqual({ vote: 'yes' });
    expect(await store.abort(txId)).toEqual({ alreadyAborted: false });

    expect(await readdir(path.join(dataDir, 'staging'))).toEqual([]);
    expect(await filesUnder(path.join(dataDir, 'objects'))).toEqual([]);
    expect(await filesUnder(path.join(dataDir, 'committed'))).toEqual([]);
  });

  it.each([
    ['sha256', (bytes: Buffer) => ({ sha256: sha256Of(Buffer.from('something else')), size: bytes.length })],
    ['size (too few bytes)', (bytes: Buffer) => ({ size: bytes.length + 1 })],
    ['size (too many bytes)', (bytes: Buffer) => ({ size: bytes.length - 1 })],
  ])('a Put whose bytes differ from the expected %s fails with ChecksumMismatchError, keeps nothing, and prepare votes no with the reason', async (_what, expectation) => {
    const dataDir = await makeBlobDir();
    const store = await openTestStore({ dataDir });
    const txId = newTxId();
    await store.put(txId, chunked(contentOf(1_000, 7)));
    const bytes = contentOf(50_000);

    const failure = await store.put(txId, chunked(bytes), expectation(bytes)).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(ChecksumMismatchError);
    const message = (failure as Error).message;
    // only the earlier, good object is left
    expect(await stagedOf(dataDir, txId)).toHaveLength(1);

    expect(await store.prepare(txId)).toEqual({ vote: 'no', reason: message });
    expect(await store.prepare(txId)).toEqual({ vote: 'no', reason: message });
    expect(await readdir(path.join(dataDir, 'staging'))).toEqual([]);
    await expect(store.put(txId, chunked(bytes))).rejects.toThrow(TxNotActiveError);
    expect(await store.abort(txId)).toEqual({ alreadyAborted: true });
  });

  it('prepare twice votes yes twice, commit twice acks twice (the second verified), abort twice is idempotent', async () => {
    const store = await openTestStore();
    const committed = newTxId();
    await store.put(committed, chunked(contentOf(5_000)));
    expect(await store.prepare(committed)).toEqual({ vote: 'yes' });
    expect(await store.prepare(committed)).toEqual({ vote: 'yes' });
    expect(await store.commit(committed)).toEqual({ alreadyCommitted: false });
    expect(await store.commit(committed)).toEqual({ alreadyCommitted: true });

    const aborted = newTxId();
    await store.put(aborted, chunked(contentOf(5_000, 3)));
    expect(await store.prepare(aborted)).toEqual({ vote: 'yes' });
    expect(await store.abort(aborted)).toEqual({ alreadyAborted: false });
    expect(await store.abort(aborted)).toEqual({ alreadyAborted: true });
    expect(await store.abort(newTxId())).toEqual({ alreadyAborted: true });
  });

  it('a commit after the branch left staging is verified through committed/<txId>.json, never trusted', async () => {
    const dataDir = await makeBlobDir();
    const store = await openTestStore({ dataDir });
    const txId = newTxId();
    const { sha256 } = await store.put(txId, chunked(contentOf(8_000)));
    await store.prepare(txId);
    await store.commit(txId);

    expect(await store.commit(txId)).toEqual({ alreadyCommitted: true });

    await rm(objectPath(dataDir, sha256));
    await expect(store.commit(txId)).rejects.toThrow(BranchNotCommittedError);
  });

  it('commit of a branch that never prepared, or of an unknown one, is BranchNotCommittedError and publishes nothing', async () => {
    const dataDir = await makeBlobDir();
    const store = await openTestStore({ dataDir });
    const txId = newTxId();
    const { sha256 } = await store.put(txId, chunked(contentOf(8_000)));

    await expect(store.commit(txId)).rejects.toThrow(/never prepared/);
    await expect(store.commit(txId)).rejects.toThrow(BranchNotCommittedError);
    await expect(store.stat(sha256)).rejects.toThrow(NotFoundError);
    await expect(store.commit(newTxId())).rejects.toThrow(BranchNotCommittedError);
    // the branch is still intact and can go on to prepare
    expect(await store.prepare(txId)).toEqual({ vote: 'yes' });
  });

  it('prepare of an unknown branch votes no', async () => {
    const store = await openTestStore();
    expect(await store.prepare(newTxId())).toMatchObject({ vote: 'no', reason: expect.stringMatching(/unknown branch/) });
  });

  it('identical content committed by two txs is published once (deduplicated)', async () => {
    const dataDir = await makeBlobDir();
    const store = await openTestStore({ dataDir });
    const bytes = contentOf(40_000);
    const [first, second] = [newTxId(), newTxId()];
    await store.put(first, chunked(bytes));
    await store.put(second, chunked(bytes, 1000));
    await store.prepare(first);
    await store.prepare(second);

    await store.commit(first);
    await store.commit(second);

    expect(await filesUnder(path.join(dataDir, 'objects'))).toEqual([path.join(sha256Of(bytes).slice(0, 2), sha256Of(bytes))]);
    await store.retired();
    expect(await readdir(path.join(dataDir, 'staging'))).toEqual([]);
    expect(await store.commit(second)).toEqual({ alreadyCommitted: true });
  });

  it('recover() returns prepared branches with preparedAtMs from their manifest and deletes unprepared leftovers', async () => {
    const dataDir = await makeBlobDir();
    const before = await openTestStore({ dataDir, clock: frozenClock(() => 1_700_000_000_000) });
    const [prepared, unprepared] = [newTxId(), newTxId()];
    const { sha256 } = await before.put(prepared, chunked(contentOf(3_000)));
    await before.put(unprepared, chunked(contentOf(3_000, 9)));
    await before.prepare(prepared);
    await before.close();

    const { store: after, recovery } = await restartStore(dataDir);

    expect(recovery).toEqual({ prepared: [{ txId: prepared, preparedAtMs: 1_700_000_000_000 }], abortedLeftovers: 1 });
    expect((await stagedOf(dataDir, prepared)).sort()).toEqual([expect.stringMatching(/\.data$/), `${prepared}.prepared`]);
    expect(await stagedOf(dataDir, unprepared)).toEqual([]);
    expect(await after.prepare(unprepared)).toMatchObject({ vote: 'no' });
    expect(await after.commit(prepared)).toEqual({ alreadyCommitted: false });
    expect(await after.stat(sha256)).toEqual({ size: 3_000 });
  });

  it('a commit interrupted after renaming some objects completes when repeated', async () => {
    const dataDir = await makeBlobDir();
    const store = await openTestStore({ dataDir });
    const txId = newTxId();
    const a = await store.put(txId, chunked(contentOf(4_000, 1)));
    const b = await store.put(txId, chunked(contentOf(4_000, 2)));
    await store.prepare(txId);
    const manifest = await readManifest(dataDir, txId);
    const first = manifest.objects.find((o) => o.sha256 === a.sha256);
    expect(first).toBeDefined();
    await mkdir(path.dirname(objectPath(dataDir, a.sha256)), { recursive: true });
    await rename(stagedPath(dataDir, txId, first as BlobManifest['objects'][number]), objectPath(dataDir, a.sha256));

    expect(await store.commit(txId)).toEqual({ alreadyCommitted: false });

    expect(sha256Of(await readFile(objectPath(dataDir, a.sha256)))).toBe(a.sha256);
    expect(sha256Of(await readFile(objectPath(dataDir, b.sha256)))).toBe(b.sha256);
    await store.retired();
    expect(await readdir(path.join(dataDir, 'staging'))).toEqual([]);
  });

  it.each([
    'participant.blob.commit.before-rename',
    'participant.blob.commit.after-rename',
    'participant.blob.commit.after-publish',
  ])('a commit failing at %s completes when repeated, also after a restart', async (failpoint) => {
    const dataDir = await makeBlobDir();
    const store = await openTestStore({ dataDir });
    const txId = newTxId();
    const a = await store.put(txId, chunked(contentOf(4_000, 1)));
    const b = await store.put(txId, chunked(contentOf(4_000, 2)));
    await store.prepare(txId);
    arm(failpoint, { kind: 'error', trigger: { kind: 'nth', n: failpoint.endsWith('publish') ? 1 : 2 } });

    await expect(store.commit(txId)).rejects.toThrow(FailpointError);
    disarmAll();
    await store.close();
    const { store: restarted } = await restartStore(dataDir);

    expect(await restarted.commit(txId)).toEqual({ alreadyCommitted: false });
    expect(await restarted.stat(a.sha256)).toEqual({ size: 4_000 });
    expect(await restarted.stat(b.sha256)).toEqual({ size: 4_000 });
    await restarted.retired();
    expect(await readdir(path.join(dataDir, 'staging'))).toEqual([]);
  });

  it('a commit interrupted after moving its manifest to committed/ is finished by the next commit', async () => {
    const dataDir = await makeBlobDir();
    const store = await openTestStore({ dataDir });
    const txId = newTxId();
    const { sha256 } = await store.put(txId, chunked(contentOf(4_000)));
    await store.prepare(txId);
    const manifest = await readManifest(dataDir, txId);
    const [object] = manifest.objects;
    await mkdir(path.dirname(objectPath(dataDir, sha256)), { recursive: true });
    await rename(stagedPath(dataDir, txId, object as BlobManifest['objects'][number]), objectPath(dataDir, sha256));
    await rename(path.join(dataDir, 'staging', `${txId}.prepared`), path.join(dataDir, 'committed', `${txId}.json`));
    // the process died there: a restarted store finds the commit record
    await store.close();
    const { store: restarted, recovery } = await restartStore(dataDir);

    expect(recovery.prepared).toEqual([]);
    expect(await restarted.commit(txId)).toEqual({ alreadyCommitted: true });
    await restarted.retired();
    expect(await readdir(path.join(dataDir, 'staging'))).toEqual([]);
  });

  it('a marker left in staging beside its commit record (the staging removal was not synced) is a finished commit at restart', async () => {
    const dataDir = await makeBlobDir();
    const store = await openTestStore({ dataDir });
    const txId = newTxId();
    const { sha256 } = await store.put(txId, chunked(contentOf(4_000)));
    await store.prepare(txId);
    const manifest = await readFile(path.join(dataDir, 'staging', `${txId}.prepared`));
    await store.commit(txId);
    await store.close();
    // what a crash could leave if the rename out of staging were undone but the record kept
    await writeFile(path.join(dataDir, 'staging', `${txId}.prepared`), manifest);

    const { store: restarted, recovery } = await restartStore(dataDir);

    expect(recovery).toEqual({ prepared: [], abortedLeftovers: 0 });
    await store.retired();
    expect(await readdir(path.join(dataDir, 'staging'))).toEqual([]);
    expect(await restarted.commit(txId)).toEqual({ alreadyCommitted: true });
    expect(await restarted.stat(sha256)).toEqual({ size: 4_000 });
  });

  it('an object rename a crash undid (the object is back in staging) is published again at restart, from the commit record', async () => {
    const dataDir = await makeBlobDir();
    const store = await openTestStore({ dataDir });
    const txId = newTxId();
    const { sha256 } = await store.put(txId, chunked(contentOf(4_000)));
    await store.prepare(txId);
    const [object] = (await readManifest(dataDir, txId)).objects;
    await store.commit(txId);
    await store.close();
    // the renames into objects/ are not fsynced: after a power loss the file may be back in staging
    await rename(objectPath(dataDir, sha256), stagedPath(dataDir, txId, object as BlobManifest['objects'][number]));

    const { store: restarted, recovery } = await restartStore(dataDir);

    expect(recovery).toEqual({ prepared: [], abortedLeftovers: 0 });
    expect(await restarted.stat(sha256)).toEqual({ size: 4_000 });
    await store.retired();
    expect(await readdir(path.join(dataDir, 'staging'))).toEqual([]);
    expect(await restarted.commit(txId)).toEqual({ alreadyCommitted: true });
  });

  it("a committed object keeps its staged name until its object directory was fsynced after the link; a restart in between finishes the job", async () => {
    const dataDir = await makeBlobDir();
    const store = await openTestStore({ dataDir });
    const txId = newTxId();
    const bytes = contentOf(4_000);
    const { sha256 } = await store.put(txId, chunked(bytes));
    await store.prepare(txId);
    const [object] = (await readManifest(dataDir, txId)).objects;
    // the background step that fsyncs objects/<aa>/ and then unlinks the staged name is held back
    arm('participant.blob.commit.before-retire', { kind: 'delay', ms: 3_000 });
    expect(await store.commit(txId)).toEqual({ alreadyCommitted: false });

    // both names: the published one (readable at once) and the staged one it must not outlive
    expect(sha256Of(await readFile(objectPath(dataDir, sha256)))).toBe(sha256);
    expect(await exists(stagedPath(dataDir, txId, object as BlobManifest['objects'][number]))).toBe(true);
    expect(await stagedOf(dataDir, txId)).toHaveLength(1);
    // a crash now: the restarted store finds the staged name beside the commit record
    disarmAll();
    const { store: restarted, recovery } = await restartStore(dataDir);
    expect(recovery).toEqual({ prepared: [], abortedLeftovers: 0 });
    expect(await readdir(path.join(dataDir, 'staging'))).toEqual([]);
    expect((await readAll(restarted, sha256)).equals(bytes)).toBe(true);
    expect(await restarted.commit(txId)).toEqual({ alreadyCommitted: true });
  });

  it('a commit record whose manifest a crash emptied (it is written without fsync) is acked on the record alone, its objects unchecked', async () => {
    const dataDir = await makeBlobDir();
    const store = await openTestStore({ dataDir });
    const txId = newTxId();
    await store.put(txId, chunked(contentOf(4_000)));
    await store.prepare(txId);
    await store.commit(txId);
    await store.close();
    await writeFile(path.join(dataDir, 'committed', `${txId}.json`), '');

    const { store: restarted } = await restartStore(dataDir);
    expect(await restarted.commit(txId)).toEqual({ alreadyCommitted: true });
  });

  it('branches of the earlier layout (staging/<txId>/MANIFEST.json) are moved to the flat one at restart: prepared stays prepared, unprepared is aborted', async () => {
    const dataDir = await makeBlobDir();
    const store = await openTestStore({ dataDir, clock: frozenClock(() => 1_700_000_000_000) });
    const [prepared, unprepared, committing] = [newTxId(), newTxId(), newTxId()];
    const bytes = { prepared: contentOf(3_000, 4), committing: contentOf(3_000, 5) };
    const put = { prepared: await store.put(prepared, chunked(bytes.prepared)), committing: await store.put(committing, chunked(bytes.committing)) };
    await store.put(unprepared, chunked(contentOf(3_000, 6)));
    for (const txId of [prepared, committing]) await store.prepare(txId);
    await store.close();
    // rewrite what the store left into the earlier layout: one directory per branch
    for (const txId of [prepared, unprepared, committing]) {
      await mkdir(path.join(dataDir, 'staging', txId));
      for (const name of await stagedOf(dataDir, txId)) {
        if (name.endsWith('.prepared')) {
          const target = txId === committing ? path.join(dataDir, 'committed', `${txId}.json`) : path.join(dataDir, 'staging', txId, 'MANIFEST.json');
          await rename(path.join(dataDir, 'staging', name), target);
        } else {
          await rename(path.join(dataDir, 'staging', name), path.join(dataDir, 'staging', txId, `${name.split('.')[1]}.data`));
        }
      }
    }
    expect((await readdir(path.join(dataDir, 'staging'))).sort()).toEqual([prepared, unprepared, committing].sort());

    const { store: restarted, recovery } = await restartStore(dataDir);

    expect(recovery).toEqual({ prepared: [{ txId: prepared, preparedAtMs: 1_700_000_000_000 }], abortedLeftovers: 0 });
    // the commit that had moved its manifest is finished; the prepared branch commits from its new place
    expect(await restarted.stat(put.committing.sha256)).toEqual({ size: 3_000 });
    expect(await restarted.commit(prepared)).toEqual({ alreadyCommitted: false });
    expect((await readAll(restarted, put.prepared.sha256)).equals(bytes.prepared)).toBe(true);
    await restarted.retired();
    expect(await readdir(path.join(dataDir, 'staging'))).toEqual([]);
  });

  it('a prepare failing before its manifest is durable votes nothing, and the branch is aborted at restart', async () => {
    const dataDir = await makeBlobDir();
    const store = await openTestStore({ dataDir });
    const txId = newTxId();
    await store.put(txId, chunked(contentOf(4_000)));
    arm('participant.blob.prepare.before-fsync', { kind: 'error' });

    await expect(store.prepare(txId)).rejects.toThrow(FailpointError);
    disarmAll();
    await store.close();

    expect((await restartStore(dataDir)).recovery).toEqual({ prepared: [], abortedLeftovers: 1 });
  });

  it('a branch whose manifest is durable is prepared at restart even if yes was never answered', async () => {
    const dataDir = await makeBlobDir();
    const store = await openTestStore({ dataDir });
    const txId = newTxId();
    await store.put(txId, chunked(contentOf(4_000)));
    arm('participant.blob.prepare.after-manifest-sync', { kind: 'error' });

    await expect(store.prepare(txId)).rejects.toThrow(FailpointError);
    disarmAll();
    await store.close();

    const { store: restarted, recovery } = await restartStore(dataDir);
    expect(recovery.prepared.map((p) => p.txId)).toEqual([txId]);
    expect(await restarted.commit(txId)).toEqual({ alreadyCommitted: false });
  });

  it('a Put over the object size limit fails with LimitExceededError and keeps nothing', async () => {
    const dataDir = await makeBlobDir();
    const store = await openTestStore({ dataDir, objectBytesMax: 10_000 });
    const txId = newTxId();

    await expect(store.put(txId, chunked(contentOf(10_001), 1_000))).rejects.toThrow(LimitExceededError);
    await expect(store.put(txId, chunked(contentOf(10)), { size: 10_001 })).rejects.toThrow(LimitExceededError);
    expect(await filesUnder(path.join(dataDir, 'staging'))).toEqual([]);
    expect(await store.prepare(txId)).toEqual({ vote: 'yes' });
  });

  it('a Put whose stream fails midway keeps nothing of that object', async () => {
    const dataDir = await makeBlobDir();
    const store = await openTestStore({ dataDir });
    const txId = newTxId();
    async function* cutShort(): AsyncGenerator<Uint8Array> {
      yield contentOf(1_000);
      throw new Error('client went away');
    }

    await expect(store.put(txId, cutShort())).rejects.toThrow('client went away');
    expect(await filesUnder(path.join(dataDir, 'staging'))).toEqual([]);
  });

  it('a Put to a prepared branch is refused with TxNotActiveError', async () => {
    const store = await openTestStore();
    const txId = newTxId();
    await store.put(txId, chunked(contentOf(100)));
    await store.prepare(txId);

    await expect(store.put(txId, chunked(contentOf(100, 2)))).rejects.toThrow(TxNotActiveError);
  });

  it('abort of a committed branch is refused: it would break atomicity', async () => {
    const store = await openTestStore();
    const txId = newTxId();
    await store.put(txId, chunked(contentOf(100)));
    await store.prepare(txId);
    await store.commit(txId);

    await expect(store.abort(txId)).rejects.toThrow(BranchAlreadyCommittedError);
  });

  it('get returns exactly the requested byte range, and a range past the end is RangeNotSatisfiableError', async () => {
    const store = await openTestStore();
    const txId = newTxId();
    const bytes = contentOf(1_000_000);
    const { sha256 } = await store.put(txId, chunked(bytes));
    await store.prepare(txId);
    await store.commit(txId);

    expect((await readAll(store, sha256, { offset: 123_456, length: 300_000 })).equals(bytes.subarray(123_456, 423_456))).toBe(true);
    expect((await readAll(store, sha256, { offset: 999_000 })).equals(bytes.subarray(999_000))).toBe(true);
    expect(await readAll(store, sha256, { offset: 1_000_000 })).toHaveLength(0);
    await expect(store.get(sha256, { offset: 1_000_001 })).rejects.toThrow(RangeNotSatisfiableError);
    await expect(store.get(sha256, { offset: 10, length: 1_000_000 })).rejects.toThrow(RangeNotSatisfiableError);
  });

  it('a commit record older than the retention is swept, after which a repeated commit is not reported as success', async () => {
    let nowMs = Date.now();
    const dataDir = await makeBlobDir();
    const store = await openTestStore({ dataDir, clock: frozenClock(() => nowMs), committedRetentionMs: 60_000 });
    const [old, recent] = [newTxId(), newTxId()];
    for (const txId of [old, recent]) {
      await store.put(txId, chunked(contentOf(100)));
      await store.prepare(txId);
      await store.commit(txId);
      nowMs += 50_000;
    }

    expect(await store.sweepCommitted()).toBe(1);

    await expect(store.commit(old)).rejects.toThrow(BranchNotCommittedError);
    expect(await store.commit(recent)).toEqual({ alreadyCommitted: true });
  });
});
