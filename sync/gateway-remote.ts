import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import * as tus from 'tus-js-client';
import { limits } from '../lib/limits/limits.js';
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
  /** False once the gateway answered that it serves no /v1/uploads (an older one): every file is PUT. */
  private resumable = true;
  private readonly urlStorage: tus.UrlStorage | undefined;

  constructor(
    gateway: string,
    readonly namespace: string,
    private readonly token: string | undefined,
    private readonly options: {
      /** Files of at least this size go over tus; default limits.syncResumableBytesMin. */
      readonly resumableBytesMin?: number;
      /** Where the URLs of unfinished resumable uploads are kept, so that a restarted sync goes on with them. */
      readonly resumeFile?: string;
    } = {},
  ) {
    this.base = gateway.replace(/\/+$/, '');
    // tus-js-client's own store of upload URLs by fingerprint, a JSON file (its Node build has it, its types do not)
    this.urlStorage = options.resumeFile === undefined ? undefined : new (tus as unknown as { FileUrlStorage: new (file: string) => tus.UrlStorage }).FileUrlStorage(options.resumeFile);
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
    if (this.resumable && size >= (this.options.resumableBytesMin ?? limits.syncResumableBytesMin)) {
      const result = await this.uploadResumable(relativePath, localFile, size, sha256, ifMatch);
      if (result !== undefined) return result;
    }
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

  /**
   * `upload` over tus (tus-js-client): the bytes go in requests that resume where the last
   * one stopped, across a restart of the gateway or of this process (an unfinished upload
   * of the same content, path and condition is taken up again: its URL is kept in
   * `resumeFile`); the last one commits the file with the condition given at creation.
   * Undefined when the gateway serves no /v1/uploads. An upload that cannot commit (412,
   * or bytes that changed) is deleted at the gateway: its bytes are of no more use.
   */
  private async uploadResumable(relativePath: string, localFile: string, size: number, sha256: string, ifMatch: number | undefined): Promise<WriteResult | undefined> {
    const condition: Record<string, string> = ifMatch === undefined ? { 'If-None-Match': '*' } : { 'If-Match': `"${ifMatch}"` };
    let upload!: tus.Upload;
    try {
      const response = await new Promise<tus.HttpResponse>((resolve, reject) => {
        upload = new tus.Upload(createReadStream(localFile), {
          endpoint: `${this.base}/v1/uploads`,
          uploadSize: size,
          metadata: { namespace: this.namespace, path: relativePath, sha256, filetype: 'application/octet-stream' },
          headers: { ...condition, ...(this.token === undefined ? {} : { Authorization: `Bearer ${this.token}` }) },
          // the same content, path and condition: the same upload, whatever the file's name or mtime
          fingerprint: () => Promise.resolve(`twophase-sync ${this.base} ${this.namespace} ${relativePath} ${sha256} ${ifMatch ?? 'new'}`),
          ...(this.urlStorage === undefined ? { storeFingerprintForResuming: false } : { urlStorage: this.urlStorage, storeFingerprintForResuming: true, removeFingerprintOnSuccess: true }),
          retryDelays: [...limits.syncResumableRetryDelaysMs],
          onSuccess: ({ lastResponse }) => resolve(lastResponse),
          onError: reject,
        });
        upload.findPreviousUploads().then((previous) => {
          const last = previous.at(-1);
          if (last !== undefined) upload.resumeFromPreviousUpload(last);
          upload.start();
        }, reject);
      });
      return { kind: 'written', revision: Number(response.getHeader('x-twophase-revision')), sha256: response.getHeader('x-content-sha256') ?? sha256, size };
    } catch (err) {
      const response = (err as tus.DetailedError).originalResponse ?? undefined;
      const request = (err as tus.DetailedError).originalRequest ?? undefined;
      if (response === undefined || response === null) throw new GatewayError(0, 'UNREACHABLE', `the gateway at ${this.base} did not answer: ${(err as Error).message}`);
      const status = response.getStatus();
      if (request?.getMethod() === 'POST' && (status === 404 || status === 405)) {
        this.resumable = false;
        return undefined;
      }
      const failed = this.errorOf(status, response.getBody());
      // nothing can commit this upload any more: free its bytes at the gateway
      if (status === 412 || (status >= 400 && status < 500 && !failed.retryable)) await upload.abort(true).catch(() => undefined);
      if (status === 412) return preconditionFailed(response.getBody());
      throw failed;
    }
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
    if (res.status === 412) return preconditionFailed(await res.text().catch(() => ''));
    const body = (await this.json(res)) as { revision: number; sha256?: string; size?: number | string };
    return { kind: 'written', revision: body.revision, sha256: body.sha256 ?? '', size: Number(body.size ?? 0) };
  }

  /** The JSON of a 2xx answer; a GatewayError for any other. */
  private async json(res: Response): Promise<unknown> {
    const text = await res.text();
    if (res.ok) return JSON.parse(text) as unknown;
    throw this.errorOf(res.status, text);
  }

  /** The GatewayError of an answer that is not 2xx, from its JSON error body when it has one. */
  private errorOf(status: number, text: string): GatewayError {
    let code = `HTTP_${status}`;
    let message = text.slice(0, 300);
    try {
      const error = (JSON.parse(text) as { error?: { code?: string; message?: string } }).error;
      code = error?.code ?? code;
      message = error?.message ?? message;
    } catch {
      // not JSON: the text as it came
    }
    return new GatewayError(status, code, `${status} ${code}: ${message}`);
  }
}

/** A 412 answer: the revision the server is at, from its JSON error body (0 when it says none). */
function preconditionFailed(body: string): WriteResult {
  let currentRevision = 0;
  try {
    currentRevision = Number((JSON.parse(body) as { error?: { currentRevision?: number } }).error?.currentRevision ?? 0);
  } catch {
    // not JSON: no revision said
  }
  return { kind: 'precondition-failed', currentRevision };
}
