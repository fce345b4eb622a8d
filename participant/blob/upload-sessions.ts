import { createHash, randomBytes, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Counter, Gauge } from 'prom-client';
import { crc32c } from '../../lib/crc32c/crc32c.js';
import { metricsRegistry } from '../../lib/metrics/metrics.js';
import { fsyncPath } from '../../lib/fs/fsync-path.js';
import { limits } from '../../lib/limits/limits.js';
import type { Logger } from '../../lib/logger/logger.js';
import { ChecksumMismatchError, InvalidInputError, LimitExceededError, NotFoundError, UploadHeldError, UploadOffsetMismatchError } from '../participant-errors.js';

/** Where a resumable upload's bytes go once complete, and what the write must find. */
export interface UploadTarget {
  readonly namespace: string;
  readonly path: string;
  readonly contentType: string;
  /** The revision the file must be at (If-Match); 0 for none. */
  readonly ifMatchRevision: number;
  /** The file must not exist (If-None-Match: *). */
  readonly ifNoneMatch: boolean;
  /** Lower-case hex SHA-256 the whole upload must have; empty: not checked. */
  readonly sha256: string;
  /** The client's own description of the upload (tus `Upload-Metadata`), given back as it came. */
  readonly metadata: string;
}

/**
 * - `receiving`: bytes still to come (offset < length);
 * - `complete`: every byte is here, nothing committed yet;
 * - `finishing`: a tx (`txId`) is committing it, or did and its answer was lost;
 * - `committed`: `revision` of the file holds it (kept until it expires, for retries).
 */
export type UploadPhase = 'receiving' | 'complete' | 'finishing' | 'committed';

export interface UploadInfo extends UploadTarget {
  readonly id: string;
  readonly length: number;
  /** Bytes received and durable. */
  readonly offset: number;
  readonly phase: UploadPhase;
  /** The tx finishing it; empty before. */
  readonly txId: string;
  /** The committed revision; 0 before. */
  readonly revision: number;
  /** When it is deleted unless touched again (Unix ms). */
  readonly expiresAtMs: number;
}

/** A checksum the bytes of one append must have (tus `Upload-Checksum`). */
export interface AppendChecksum {
  /** A Node hash name: sha1, sha256, md5. */
  readonly algorithm: string;
  readonly digest: Buffer;
}

interface UploadRecord extends UploadTarget {
  readonly version: 1;
  readonly id: string;
  readonly length: number;
  readonly createdAtMs: number;
  readonly txId: string;
  readonly revision: number;
  readonly committed: boolean;
}

interface Session {
  record: UploadRecord;
  offset: number;
  /** SHA-256 of bytes [0, hashedTo), kept while appends continue where it stopped. */
  hash: Hash | undefined;
  hashedTo: number;
  /** The append being received, if any. */
  busy: Promise<void> | undefined;
  lastActivityMs: number;
}

const uploadSessionsOpen = new Gauge({
  name: 'twophase_blob_upload_sessions',
  help: 'resumable uploads the blob participant keeps (receiving, complete, being finished, or committed and kept until they expire)',
  registers: [metricsRegistry],
});
const uploadBytesReceived = new Counter({
  name: 'twophase_blob_upload_received_bytes_total',
  help: 'bytes received into resumable uploads and made durable (an append refused by its checksum or length not counted)',
  registers: [metricsRegistry],
});

const idPattern = /^[A-Za-z0-9_-]{22}$/;
/** An offset record: the offset (8 bytes, big-endian), its CRC32C (4), 4 bytes of padding. */
const offsetRecordBytes = 16;

/**
 * Resumable uploads at the blob participant: bytes received over many requests (and
 * across restarts of whoever sends them) before any tx exists, in `uploads/` under the
 * participant's data directory:
 *
 *     uploads/<id>.json     what the upload is for (written atomically; its presence is the upload)
 *     uploads/<id>.data     the bytes received so far
 *     uploads/<id>.offset   how many of them are durable: 8 bytes big-endian and their CRC-32C
 *
 * An append fdatasyncs the bytes before it records the offset, so after any crash the
 * recorded offset names bytes that are on disk; bytes past it are cut off at restart. A
 * cut-short append keeps what arrived (resumed from there), unless it carried a checksum,
 * which only a whole append can pass: then none of it is kept. Once complete, a tx
 * stages the bytes as an object of its blob branch (`adopt`) and commits the file with
 * them; the session outlives the commit, recording the revision, until it expires.
 */
export class UploadSessions {
  readonly root: string;
  private readonly sessions = new SessionMap();
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    dataDir: string,
    private readonly logger: Logger,
    private readonly idleMs: number = limits.uploadSessionIdleMs,
  ) {
    this.root = path.join(path.resolve(dataDir), 'uploads');
  }

  /** Loads the uploads on disk, cuts bytes past each recorded offset, removes leftovers; then sweeps expired ones now and then. */
  async recover(): Promise<number> {
    await mkdir(this.root, { recursive: true });
    const names = await readdir(this.root);
    const ids = new Set(names.filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -'.json'.length)));
    for (const name of names) {
      const id = name.replace(/\.(json|data|offset|tmp)$/, '');
      if (name.endsWith('.tmp') || !ids.has(id)) await rm(path.join(this.root, name), { force: true });
    }
    for (const id of ids) {
      try {
        await this.load(id);
      } catch (err) {
        this.logger.error({ err, uploadId: id }, 'a resumable upload cannot be read; it is deleted');
        await this.removeFiles(id);
      }
    }
    this.sweeper = setInterval(() => void this.sweep().catch((err: unknown) => this.logger.warn({ err }, 'sweeping expired uploads failed')), limits.uploadSessionSweepMs);
    this.sweeper.unref();
    return this.sessions.size;
  }

  close(): void {
    if (this.sweeper !== undefined) clearInterval(this.sweeper);
  }

  async create(target: UploadTarget, length: number): Promise<UploadInfo> {
    if (!Number.isSafeInteger(length) || length < 0) throw new InvalidInputError('upload length', `${length} is not a byte count`);
    if (this.sessions.size >= limits.uploadSessionsMax) throw new LimitExceededError(`${this.sessions.size} resumable uploads are open, the limit; finish or delete some`);
    const id = randomBytes(16).toString('base64url');
    const record: UploadRecord = { version: 1, id, length, createdAtMs: Date.now(), txId: '', revision: 0, committed: false, ...targetOf(target) };
    await (await open(this.file(id, 'data'), 'wx')).close();
    await this.writeOffset(id, 0);
    await this.writeRecord(record);
    const session: Session = { record, offset: 0, hash: createHash('sha256'), hashedTo: 0, busy: undefined, lastActivityMs: Date.now() };
    this.sessions.set(id, session);
    return this.infoOf(session);
  }

  /** The upload as it is; waits a little for an append in flight to end, so the offset is the one to resume from. */
  async info(id: string): Promise<UploadInfo> {
    const session = this.get(id);
    if (session.busy !== undefined) await waitAtMost(session.busy, limits.uploadBusyWaitMs);
    return this.infoOf(session);
  }

  /**
   * Appends `source` at `offset`, which must be where the upload is. Resolves with the
   * upload after the bytes are durable. `UploadOffsetMismatchError` for another offset,
   * or while another append is received; `InvalidInputError` for bytes past its length
   * (none of them kept); `ChecksumMismatchError` when `checksum` does not match (none kept).
   */
  async append(id: string, offset: number, source: AsyncIterable<Uint8Array>, checksum?: AppendChecksum): Promise<UploadInfo> {
    const session = this.get(id);
    if (session.busy !== undefined) await waitAtMost(session.busy, limits.uploadBusyWaitMs);
    if (session.busy !== undefined) throw new UploadOffsetMismatchError(`upload ${id} is being written by another request`, session.offset);
    if (offset !== session.offset) throw new UploadOffsetMismatchError(`upload ${id} is at offset ${session.offset}, not ${offset}`, session.offset);
    let done!: () => void;
    session.busy = new Promise<void>((resolve) => (done = resolve));
    session.lastActivityMs = Date.now();
    try {
      await this.receive(session, source, checksum);
    } finally {
      session.busy = undefined;
      session.lastActivityMs = Date.now();
      done();
    }
    return this.infoOf(session);
  }

  private async receive(session: Session, source: AsyncIterable<Uint8Array>, checksum: AppendChecksum | undefined): Promise<void> {
    const { id, length } = session.record;
    const start = session.offset;
    const check = checksum === undefined ? undefined : createHash(checksum.algorithm);
    const handle = await open(this.file(id, 'data'), 'r+');
    let position = start;
    let syncedAt = start;
    /** Cuts the file back to the append's start: nothing of it is kept. */
    const discard = async (): Promise<void> => {
      await handle.truncate(start);
      await handle.datasync();
      position = start;
      if (session.hashedTo > start) session.hash = undefined;
    };
    try {
      try {
        for await (const chunk of source) {
          if (position + chunk.byteLength > length) throw new InvalidInputError('upload body', `more bytes than the upload's length of ${length}`);
          let written = 0;
          while (written < chunk.byteLength) written += (await handle.write(chunk, written, chunk.byteLength - written, position + written)).bytesWritten;
          check?.update(chunk);
          if (session.hash !== undefined && session.hashedTo === position) {
            session.hash.update(chunk);
            session.hashedTo += chunk.byteLength;
          }
          position += chunk.byteLength;
          // an append with a checksum counts only whole, so its offset is recorded only at its end
          if (check === undefined && position - syncedAt >= limits.uploadSyncEveryBytes) {
            await handle.datasync();
            await this.writeOffset(id, position);
            session.offset = syncedAt = position;
          }
        }
      } catch (err) {
        if (check !== undefined || err instanceof InvalidInputError) await discard();
        else await handle.datasync();
        if (position !== syncedAt) await this.writeOffset(id, position);
        session.offset = position;
        uploadBytesReceived.inc(position - start);
        throw err;
      }
      if (check !== undefined && checksum !== undefined && !check.digest().equals(checksum.digest)) {
        await discard();
        session.offset = start;
        throw new ChecksumMismatchError(id, `the bytes sent do not have the ${checksum.algorithm} given in Upload-Checksum; none of them were kept`);
      }
      await handle.datasync();
      if (position !== syncedAt) await this.writeOffset(id, position);
      session.offset = position;
      uploadBytesReceived.inc(position - start);
    } finally {
      await handle.close();
    }
  }

  /**
   * Records `txId` as the tx that is to commit the complete upload: before it stages the
   * bytes, so that an answer lost later can be learned from the tx. Idempotent for the
   * same tx; `UploadHeldError` while another tx holds it or once it is committed.
   */
  async beginFinishing(id: string, txId: string): Promise<UploadInfo> {
    const session = this.get(id);
    if (session.offset !== session.record.length) throw new UploadOffsetMismatchError(`upload ${id} has ${session.offset} of its ${session.record.length} bytes`, session.offset);
    if (session.record.committed) throw new UploadHeldError(`upload ${id} is committed already, as revision ${session.record.revision}`, session.record.txId);
    if (session.record.txId === txId) return this.infoOf(session);
    if (session.record.txId !== '') throw new UploadHeldError(`upload ${id} is being finished by tx ${session.record.txId}; settle it first`, session.record.txId);
    await this.update(session, { txId });
    return this.infoOf(session);
  }

  /**
   * How the finishing tx ended: it committed `revision` (the bytes are then released: the
   * committed object has its own); or, with revision 0, it aborted and the upload is
   * complete again. Idempotent; `UploadHeldError` for a tx other than the finishing one.
   */
  async settle(id: string, txId: string, revision: number): Promise<UploadInfo> {
    const session = this.get(id);
    const { record } = session;
    if (record.txId !== txId) throw new UploadHeldError(`upload ${id} is not being finished by tx ${txId}`, record.txId);
    if (record.committed) {
      if (revision !== record.revision) throw new UploadHeldError(`upload ${id} was committed as revision ${record.revision}, not ${revision}`, record.txId);
      return this.infoOf(session);
    }
    if (revision > 0) {
      await this.update(session, { revision, committed: true });
      await rm(this.file(id, 'data'), { force: true });
    } else await this.update(session, { txId: '' });
    return this.infoOf(session);
  }

  /** The SHA-256 and file of a complete upload, for `txId`, the tx finishing it, to stage. */
  async adoptable(id: string, txId: string): Promise<{ file: string; size: number; sha256: string }> {
    const session = this.get(id);
    const { length } = session.record;
    if (session.offset !== length || session.record.txId !== txId || session.record.committed) {
      throw new UploadOffsetMismatchError(`upload ${id} is not complete and being finished by ${txId}`, session.offset);
    }
    let sha256: string;
    if (session.hash !== undefined && session.hashedTo === length) sha256 = session.hash.copy().digest('hex');
    else {
      const hash = createHash('sha256');
      for await (const chunk of createReadStream(this.file(id, 'data'), { end: Math.max(0, length - 1), highWaterMark: 1024 * 1024 })) if (length > 0) hash.update(chunk as Buffer);
      sha256 = hash.digest('hex');
    }
    if (session.record.sha256 !== '' && session.record.sha256 !== sha256) {
      throw new ChecksumMismatchError(txId, `upload ${id} has SHA-256 ${sha256}, not the ${session.record.sha256} it was created with`);
    }
    return { file: this.file(id, 'data'), size: length, sha256 };
  }

  /** Deletes an upload and its bytes (a committed file keeps its own). */
  async remove(id: string): Promise<void> {
    const session = this.get(id);
    if (session.busy !== undefined) await waitAtMost(session.busy, limits.uploadBusyWaitMs);
    this.sessions.delete(id);
    await this.removeFiles(id);
  }

  /** Deletes the uploads untouched for the idle limit; resolves with how many. */
  async sweep(nowMs = Date.now()): Promise<number> {
    let removed = 0;
    for (const [id, session] of [...this.sessions]) {
      if (session.busy === undefined && nowMs - session.lastActivityMs >= this.idleMs) {
        this.sessions.delete(id);
        await this.removeFiles(id);
        removed += 1;
      }
    }
    if (removed > 0) this.logger.info({ removed }, 'expired resumable uploads deleted');
    return removed;
  }

  private get(id: string): Session {
    const session = idPattern.test(id) ? this.sessions.get(id) : undefined;
    if (session === undefined) throw new NotFoundError(`no upload ${JSON.stringify(id.slice(0, 40))} (it never existed, was deleted, or expired)`);
    return session;
  }

  private infoOf(s: Session): UploadInfo {
    const { record } = s;
    const phase: UploadPhase = record.committed ? 'committed' : record.txId !== '' ? 'finishing' : s.offset === record.length ? 'complete' : 'receiving';
    return { ...targetOf(record), id: record.id, length: record.length, offset: s.offset, phase, txId: record.txId, revision: record.revision, expiresAtMs: s.lastActivityMs + this.idleMs };
  }

  private async load(id: string): Promise<void> {
    if (!idPattern.test(id)) throw new Error(`${id} is not an upload id`);
    const record = JSON.parse(await readFile(this.file(id, 'json'), 'utf8')) as UploadRecord;
    if (record.version !== 1 || record.id !== id || !Number.isSafeInteger(record.length)) throw new Error(`uploads/${id}.json is not an upload record`);
    const json = await stat(this.file(id, 'json'));
    if (record.committed) {
      // its bytes were released when it was committed: only the record is left
      await rm(this.file(id, 'data'), { force: true });
      this.sessions.set(id, { record, offset: record.length, hash: undefined, hashedTo: 0, busy: undefined, lastActivityMs: json.mtimeMs });
      return;
    }
    const data = await stat(this.file(id, 'data'));
    let offset = await this.readOffset(id);
    if (data.size > offset) {
      // bytes past the recorded offset may not have reached the disk whole: resumed from the offset
      const handle = await open(this.file(id, 'data'), 'r+');
      try {
        await handle.truncate(offset);
        await handle.datasync();
      } finally {
        await handle.close();
      }
    } else if (data.size < offset) {
      offset = data.size;
      await this.writeOffset(id, offset);
    }
    this.sessions.set(id, { record, offset, hash: undefined, hashedTo: 0, busy: undefined, lastActivityMs: Math.max(data.mtimeMs, json.mtimeMs) });
  }

  private async update(session: Session, change: Partial<Pick<UploadRecord, 'txId' | 'revision' | 'committed'>>): Promise<void> {
    const record = { ...session.record, ...change };
    await this.writeRecord(record);
    session.record = record;
    session.lastActivityMs = Date.now();
  }

  private async writeRecord(record: UploadRecord): Promise<void> {
    const tmp = `${this.file(record.id, 'json')}.tmp`;
    const handle = await open(tmp, 'w');
    try {
      await handle.writeFile(JSON.stringify(record));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, this.file(record.id, 'json'));
    await fsyncPath(this.root);
  }

  private async writeOffset(id: string, offset: number): Promise<void> {
    const buf = Buffer.alloc(offsetRecordBytes);
    buf.writeBigUInt64BE(BigInt(offset), 0);
    buf.writeUInt32BE(crc32c(buf.subarray(0, 8)), 8);
    // overwritten in place (a+ would append whatever the position): 16 bytes in one sector;
    // a torn one fails its CRC and counts as 0, which loses progress, never bytes
    const handle = await open(this.file(id, 'offset'), 'r+').catch((err: unknown) => {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return open(this.file(id, 'offset'), 'w');
      throw err;
    });
    try {
      await handle.write(buf, 0, buf.length, 0);
      await handle.datasync();
    } finally {
      await handle.close();
    }
  }

  private async readOffset(id: string): Promise<number> {
    const buf = await readFile(this.file(id, 'offset'));
    if (buf.length < offsetRecordBytes || buf.readUInt32BE(8) !== crc32c(buf.subarray(0, 8))) return 0;
    return Number(buf.readBigUInt64BE(0));
  }

  private async removeFiles(id: string): Promise<void> {
    // the record first: without it, what is left is a leftover that recovery removes
    await rm(this.file(id, 'json'), { force: true });
    await rm(this.file(id, 'data'), { force: true });
    await rm(this.file(id, 'offset'), { force: true });
  }

  private file(id: string, kind: 'json' | 'data' | 'offset'): string {
    return path.join(this.root, `${id}.${kind}`);
  }
}

/** The sessions by id, kept in the gauge of open uploads. */
class SessionMap extends Map<string, Session> {
  override set(id: string, session: Session): this {
    if (!this.has(id)) uploadSessionsOpen.inc();
    return super.set(id, session);
  }

  override delete(id: string): boolean {
    const had = super.delete(id);
    if (had) uploadSessionsOpen.dec();
    return had;
  }
}

function targetOf(t: UploadTarget): UploadTarget {
  return { namespace: t.namespace, path: t.path, contentType: t.contentType, ifMatchRevision: t.ifMatchRevision, ifNoneMatch: t.ifNoneMatch, sha256: t.sha256, metadata: t.metadata };
}

async function waitAtMost(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
