import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { RemoteFile } from './sync-decision.js';

/** One entry of the change feed, as the gateway answers `GET /v1/changes/{ns}`. */
export interface RemoteChange extends RemoteFile {
  readonly cursor: number;
  readonly path: string;
}

/** What a write answered: the revision it made, or that its condition did not hold. */
export type WriteResult =
  | { readonly kind: 'written'; readonly revision: number; readonly sha256: string; readonly size: number }
  | { readonly kind: 'precondition-failed'; readonly currentRevision: number }
  | { readonly kind: 'not-found' };

/**
 * An answer of the gateway that is not what was asked for. `retryable` follows the
 * gateway's table (408, 409, 429, 5xx: nothing was stored, try again); the others (400,
 * 401, 403, 413) will not change by trying again.
 */
export class GatewayError extends Error {
  override readonly name = 'GatewayError';
  readonly retryable: boolean;

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.retryable = status === 408 || status === 409 || status === 429 || status >= 500 || status === 0;
  }
}

/**
 * The HTTP API of the gateway, as `twophase sync` uses it: the change feed, a path's
 * newest revision, conditional uploads and deletes, downloads of one revision. Paths are
 * relative, `/`-separated; each segment is percent-encoded on the way out.
 */
export class GatewayRemote {
  private readonly base: string;

  constructor(
    gateway: string,
    readonly namespace: string,
    private readonly token: string | undefined,
  ) {
    this.base = gateway.replace(/\/+$/, '');
  }

  /** The changes after `cursor` (at most `limit`), waiting up to `waitMs` for one when there are none. */
  async changes(cursor: number, waitMs: number, limit: number, signal?: AbortSignal): Promise<{ changes: RemoteChange[]; cursor: number }> {
    const wait = waitMs > 0 ? `&wait=${Math.ceil(waitMs / 1000)}s` : '';
    const res = await this.fetch(`/v1/changes/${encodeURIComponent(this.namespace)}?cursor=${cursor}&limit=${limit}${wait}`, { signal });
    const body = (await this.json(res)) as { changes: (RemoteChange & { cursor: number })[]; cursor: number };
    return {
      changes: body.changes.map((c) => ({ cursor: c.cursor, path: c.path, revision: c.revision, sha256: c.sha256, size: Number(c.size), deleted: c.deleted })),
      cursor: body.cursor,
    };
  }

  /** The newest revision of `path` (a tombstone if it was deleted), or undefined if the server never had it. */
  async latest(relativePath: string): Promise<RemoteFile | undefined> {
    const res = await this.fetch(`${this.filePath(relativePath)}?revisions&pageSize=1`);
    if (res.status === 404) {
      await res.body?.cancel();
      return undefined;
    }
    const body = (await this.json(res)) as { revisions: { revision: number; sha256: string; size: number | string; deleted: boolean }[] };
    const newest = body.revisions[0];
    return newest === undefined ? undefined : { revision: newest.revision, sha256: newest.sha256, size: Number(newest.size), deleted: newest.deleted };
  }

  /**
   * Uploads the file at `localFile` as `relativePath`: If-Match on `ifMatch`, or
   * If-None-Match: * when undefined. The size and SHA-256 given are sent
   * (`Content-Length`, `X-Content-SHA256`): if the file changed since they were taken,
   * the gateway refuses the bytes (400) and nothing is stored.
   */
  async upload(relativePath: string, localFile: string, size: number, sha256: string, ifMatch: number | undefined): Promise<WriteResult> {
    const body = Readable.toWeb(createReadStream(localFile)) as ReadableStream<Uint8Array>;
    const res = await this.fetch(this.filePath(relativePath), {
      method: 'PUT',
      body,
      duplex: 'half',
      headers: {
        'content-length': String(size),
        'x-content-sha256': sha256,
        'content-type': 'application/octet-stream',
        ...(ifMatch === undefined ? { 'if-none-match': '*' } : { 'if-match': `"${ifMatch}"` }),
      },
    } as RequestInit);
    return this.writeResult(res);
  }

  /** Deletes `relativePath` If-Match on `ifMatch`. */
  async remove(relativePath: string, ifMatch: number): Promise<WriteResult> {
    const res = await this.fetch(this.filePath(relativePath), { method: 'DELETE', headers: { 'if-match': `"${ifMatch}"` } });
    if (res.status === 404) {
      await res.body?.cancel();
      return { kind: 'not-found' };
    }
    return this.writeResult(res);
  }

  /** The bytes of one revision of `relativePath`, as a stream; undefined if it is not there (deleted since, or never). */
  async download(relativePath: string, revision: number): Promise<Readable | undefined> {
    const res = await this.fetch(`${this.filePath(relativePath)}?revision=${revision}`);
    if (res.status === 404) {
      await res.body?.cancel();
      return undefined;
    }
    if (!res.ok || res.body === null) await this.json(res);
    return Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>);
  }

  private filePath(relativePath: string): string {
    return `/v1/files/${encodeURIComponent(this.namespace)}/${relativePath.split('/').map(encodeURIComponent).join('/')}`;
  }

  private async fetch(pathAndQuery: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.token !== undefined) headers.set('authorization', `Bearer ${this.token}`);
    try {
      return await fetch(`${this.base}${pathAndQuery}`, { ...init, headers });
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw err;
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new GatewayError(0, cause?.code ?? 'UNREACHABLE', `the gateway at ${this.base} did not answer: ${cause?.message ?? (err as Error).message}`);
    }
  }

  private async writeResult(res: Response): Promise<WriteResult> {
    if (res.status === 412) {
      const body = (await res.json().catch(() => ({}))) as { error?: { currentRevision?: number } };
      return { kind: 'precondition-failed', currentRevision: Number(body.error?.currentRevision ?? 0) };
    }
    const body = (await this.json(res)) as { revision: number; sha256?: string; size?: number | string };
    return { kind: 'written', revision: body.revision, sha256: body.sha256 ?? '', size: Number(body.size ?? 0) };
  }

  /** The JSON of a 2xx answer; a GatewayError for any other. */
  private async json(res: Response): Promise<unknown> {
    const text = await res.text();
    if (res.ok) return JSON.parse(text) as unknown;
    let code = `HTTP_${res.status}`;
    let message = text.slice(0, 300);
    try {
      const error = (JSON.parse(text) as { error?: { code?: string; message?: string } }).error;
      code = error?.code ?? code;
      message = error?.message ?? message;
    } catch {
      // not JSON: the text as it came
    }
    throw new GatewayError(res.status, code, `${res.status} ${code}: ${message}`);
  }
}
