import { createHash, randomBytes } from 'node:crypto';
import { appendFile, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../lib/logger/logger.js';
import { ChecksumMismatchError, InvalidInputError, NotFoundError, UploadHeldError, UploadOffsetMismatchError } from '../../participant/participant-errors.js';
import { UploadSessions, type UploadTarget } from '../../participant/blob/upload-sessions.js';

/** Upload sessions on a real directory: durable offsets, what a crash leaves, checksums, and the finishing tx. */
let dir: string;
let sessions: UploadSessions;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'twophase-uploads-'));
  sessions = new UploadSessions(dir, silentLogger());
  await sessions.recover();
});

afterEach(async () => {
  sessions.close();
  await rm(dir, { recursive: true, force: true });
});

const target: UploadTarget = { namespace: 'ns', path: 'a.bin', contentType: '', ifMatchRevision: 0, ifNoneMatch: false, sha256: '', metadata: 'k dg==' };

async function* chunks(...parts: Buffer[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield part;
}

/** A source that yields `part` and then fails, as a call cut off midway does. */
async function* cutAfter(part: Buffer): AsyncGenerator<Uint8Array> {
  yield part;
  throw new Error('the connection was reset');
}

/** Another process on the same directory, as after a crash (this one's memory is lost). */
async function restart(): Promise<UploadSessions> {
  sessions.close();
  sessions = new UploadSessions(dir, silentLogger());
  await sessions.recover();
  return sessions;
}

describe('UploadSessions', () => {
  it('appends at the upload\'s offset only; a reopened directory has every upload at its durable offset with its description', async () => {
    const up = await sessions.create(target, 10);
    expect(up).toMatchObject({ offset: 0, length: 10, phase: 'receiving', metadata: 'k dg==' });
    expect((await sessions.append(up.id, 0, chunks(Buffer.from('0123')))).offset).toBe(4);
    await expect(sessions.append(up.id, 2, chunks(Buffer.from('x')))).rejects.toMatchObject({ constructor: UploadOffsetMismatchError, offset: 4 });
    const reopened = await restart();
    expect(await reopened.info(up.id)).toMatchObject({ offset: 4, phase: 'receiving', namespace: 'ns', path: 'a.bin' });
    expect((await reopened.append(up.id, 4, chunks(Buffer.from('456789')))).phase).toBe('complete');
    expect(await readFile(join(dir, 'uploads', `${up.id}.data`), 'utf8')).toBe('0123456789');
  });

  it('bytes past the recorded offset (written, never acknowledged) are cut off at restart; a torn offset record counts as 0', async () => {
    const up = await sessions.create(target, 100);
    await sessions.append(up.id, 0, chunks(Buffer.from('abc')));
    // a crash after the write and before the offset was recorded
    await appendFile(join(dir, 'uploads', `${up.id}.data`), 'def');
    const reopened = await restart();
    expect((await reopened.info(up.id)).offset).toBe(3);
    expect((await stat(join(dir, 'uploads', `${up.id}.data`))).size).toBe(3);
    await writeFile(join(dir, 'uploads', `${up.id}.offset`), Buffer.from([0, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3, 4]));
    expect((await (await restart()).info(up.id)).offset).toBe(0);
  });

  it('an append cut short keeps what arrived; one with a checksum keeps nothing unless whole and matching; bytes past the length are refused', async () => {
    const up = await sessions.create(target, 20);
    await expect(sessions.append(up.id, 0, cutAfter(Buffer.from('01234')))).rejects.toThrow('reset');
    expect((await sessions.info(up.id)).offset).toBe(5);
    const sha1 = (text: string) => createHash('sha1').update(text).digest();
    await expect(sessions.append(up.id, 5, cutAfter(Buffer.from('56789')), { algorithm: 'sha1', digest: sha1('56789') })).rejects.toThrow('reset');
    expect((await sessions.info(up.id)).offset).toBe(5);
    await expect(sessions.append(up.id, 5, chunks(Buffer.from('56789')), { algorithm: 'sha1', digest: sha1('other') })).rejects.toBeInstanceOf(ChecksumMismatchError);
    expect((await sessions.info(up.id)).offset).toBe(5);
    expect((await sessions.append(up.id, 5, chunks(Buffer.from('56789')), { algorithm: 'sha1', digest: sha1('56789') })).offset).toBe(10);
    await expect(sessions.append(up.id, 10, chunks(randomBytes(11)))).rejects.toBeInstanceOf(InvalidInputError);
    expect((await sessions.info(up.id)).offset).toBe(10);
    expect((await restart().then((s) => s.info(up.id))).offset).toBe(10);
  });

  it('one tx at a time finishes an upload; an abort makes it complete again; a commit records the revision and releases the bytes, across restarts', async () => {
    const bytes = randomBytes(1000);
    const up = await sessions.create({ ...target, sha256: createHash('sha256').update(bytes).digest('hex') }, 1000);
    await expect(sessions.beginFinishing(up.id, 'tx-1')).rejects.toBeInstanceOf(UploadOffsetMismatchError);
    await sessions.append(up.id, 0, chunks(bytes.subarray(0, 400), bytes.subarray(400)));
    expect((await sessions.beginFinishing(up.id, 'tx-1')).phase).toBe('finishing');
    await expect(sessions.beginFinishing(up.id, 'tx-2')).rejects.toMatchObject({ constructor: UploadHeldError, txId: 'tx-1' });
    await expect(sessions.adoptable(up.id, 'tx-2')).rejects.toBeInstanceOf(UploadOffsetMismatchError);
    const adoptable = await sessions.adoptable(up.id, 'tx-1');
    expect(adoptable).toMatchObject({ size: 1000, sha256: createHash('sha256').update(bytes).digest('hex') });
    // restarted while finishing: still held by tx-1, and the digest is computed from the file
    const reopened = await restart();
    expect((await reopened.info(up.id)).txId).toBe('tx-1');
    expect((await reopened.adoptable(up.id, 'tx-1')).sha256).toBe(adoptable.sha256);
    expect((await reopened.settle(up.id, 'tx-1', 0)).phase).toBe('complete');
    await reopened.beginFinishing(up.id, 'tx-2');
    await expect(reopened.settle(up.id, 'tx-1', 3)).rejects.toBeInstanceOf(UploadHeldError);
    expect(await reopened.settle(up.id, 'tx-2', 3)).toMatchObject({ phase: 'committed', revision: 3 });
    expect(await reopened.settle(up.id, 'tx-2', 3)).toMatchObject({ phase: 'committed', revision: 3 });
    await expect(reopened.beginFinishing(up.id, 'tx-3')).rejects.toBeInstanceOf(UploadHeldError);
    expect((await readdir(join(dir, 'uploads'))).filter((n) => n.endsWith('.data'))).toEqual([]);
    expect(await (await restart()).info(up.id)).toMatchObject({ phase: 'committed', revision: 3, offset: 1000 });
  });

  it('an upload whose bytes are not the SHA-256 it was created with cannot be adopted', async () => {
    const up = await sessions.create({ ...target, sha256: 'a'.repeat(64) }, 3);
    await sessions.append(up.id, 0, chunks(Buffer.from('abc')));
    await sessions.beginFinishing(up.id, 'tx-1');
    await expect(sessions.adoptable(up.id, 'tx-1')).rejects.toBeInstanceOf(ChecksumMismatchError);
  });

  it('removal and expiry delete the upload and every file of it; leftovers without a record are removed at restart', async () => {
    const kept = await sessions.create(target, 5);
    const gone = await sessions.create(target, 5);
    await sessions.remove(gone.id);
    await expect(sessions.info(gone.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(sessions.info('../../etc/passwd')).rejects.toBeInstanceOf(NotFoundError);
    await writeFile(join(dir, 'uploads', 'AAAAAAAAAAAAAAAAAAAAAA.data'), 'orphan');
    const reopened = await restart();
    expect((await readdir(join(dir, 'uploads'))).sort()).toEqual([`${kept.id}.data`, `${kept.id}.json`, `${kept.id}.offset`].sort());
    expect(await reopened.sweep(Date.now() + 25 * 60 * 60 * 1000)).toBe(1);
    expect(await readdir(join(dir, 'uploads'))).toEqual([]);
  });
});
