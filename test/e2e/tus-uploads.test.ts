import { createHash, randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as tus from 'tus-js-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DevSystem } from '../support/dev-system.js';
import { Scrape } from '../support/prometheus-text.js';

/**
 * Resumable uploads over tus 1.0 at `/v1/uploads`, against `twophase dev`, with
 * tus-js-client as the client: creation, resumption after a SIGKILL of the gateway,
 * termination, per-request checksums, and the If-Match given at creation deciding the
 * commit at the last byte.
 */
let sys: DevSystem;

beforeAll(async () => {
  sys = await DevSystem.start();
}, 120_000);

afterAll(async () => {
  await sys?.stop();
});

const b64 = (text: string): string => Buffer.from(text).toString('base64');
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

interface Outcome {
  readonly response?: tus.HttpResponse;
  readonly error?: tus.DetailedError;
  readonly patchOffsets: number[];
  readonly upload: tus.Upload;
}

/** One tus-js-client upload to its end (success or error), recording the Upload-Offset of every PATCH it sent. */
function tusUpload(bytes: Buffer, options: tus.UploadOptions & { onStarted?: (upload: tus.Upload) => void } = {}): Promise<Outcome> {
  const patchOffsets: number[] = [];
  return new Promise((resolve) => {
    const upload: tus.Upload = new tus.Upload(bytes, {
      endpoint: `${sys.http}/v1/uploads`,
      retryDelays: [200, 500, 1000, 2000, 4000, 4000, 4000],
      ...options,
      onBeforeRequest: (req) => {
        if (req.getMethod() === 'PATCH') patchOffsets.push(Number(req.getHeader('Upload-Offset')));
      },
      onSuccess: ({ lastResponse }) => resolve({ response: lastResponse, patchOffsets, upload }),
      onError: (error) => resolve({ error: error as tus.DetailedError, patchOffsets, upload }),
    });
    upload.start();
    options.onStarted?.(upload);
  });
}

async function download(path: string): Promise<{ status: number; etag: string | null; bytes: Buffer }> {
  const res = await fetch(`${sys.http}/v1/files/${path}`);
  return { status: res.status, etag: res.headers.get('etag'), bytes: Buffer.from(await res.arrayBuffer()) };
}

describe('resumable uploads (tus 1.0)', () => {
  it('OPTIONS tells the version, extensions, size limit and checksum algorithms; a request without Tus-Resumable is 412 naming the version', async () => {
    const options = await fetch(`${sys.http}/v1/uploads`, { method: 'OPTIONS' });
    expect(options.status).toBe(204);
    expect(options.headers.get('tus-version')).toBe('1.0.0');
    expect(options.headers.get('tus-extension')?.split(',')).toEqual(expect.arrayContaining(['creation', 'termination', 'checksum', 'expiration']));
    expect(Number(options.headers.get('tus-max-size'))).toBeGreaterThan(0);
    expect(options.headers.get('tus-checksum-algorithm')?.split(',')).toContain('sha256');
    const bare = await fetch(`${sys.http}/v1/uploads`, { method: 'POST', headers: { 'upload-length': '1' } });
    expect(bare.status).toBe(412);
    expect(bare.headers.get('tus-version')).toBe('1.0.0');
    const noName = await fetch(`${sys.http}/v1/uploads`, { method: 'POST', headers: { 'tus-resumable': '1.0.0', 'upload-length': '1' } });
    expect(noName.status).toBe(400);
    const tooBig = await fetch(`${sys.http}/v1/uploads`, { method: 'POST', headers: { 'tus-resumable': '1.0.0', 'upload-length': String(2 ** 50), 'upload-metadata': `namespace ${b64('t')},path ${b64('x')}` } });
    expect(tooBig.status).toBe(413);
    const unknown = await fetch(`${sys.http}/v1/uploads/AAAAAAAAAAAAAAAAAAAAAA`, { method: 'HEAD', headers: { 'tus-resumable': '1.0.0' } });
    expect(unknown.status).toBe(404);
  });

  it('tus-js-client uploads in chunks; the last PATCH commits the file and answers its ETag; an empty file commits at creation', async () => {
    const bytes = randomBytes(3 * 1024 * 1024 + 17);
    const before = await Scrape.of(sys.metricsUrls.blob);
    const done = await tusUpload(bytes, { chunkSize: 1024 * 1024, metadata: { namespace: 'tus', path: 'docs/a.bin', filetype: 'application/x-test' } });
    expect(done.error).toBeUndefined();
    const after = await Scrape.of(sys.metricsUrls.blob);
    expect((after.value('twophase_blob_upload_received_bytes_total') ?? 0) - (before.value('twophase_blob_upload_received_bytes_total') ?? 0)).toBe(bytes.length);
    expect(after.value('twophase_blob_upload_sessions')).toBe((before.value('twophase_blob_upload_sessions') ?? 0) + 1);
    expect(done.patchOffsets).toEqual([0, 1, 2, 3].map((i) => i * 1024 * 1024));
    expect(done.response?.getHeader('etag')).toBe('"1"');
    expect(done.response?.getHeader('x-content-sha256')).toBe(sha256(bytes));
    const file = await download('tus/docs/a.bin');
    expect(file.status).toBe(200);
    expect(sha256(file.bytes)).toBe(sha256(bytes));
    // HEAD afterwards: the whole offset, and the committed revision
    const head = await fetch(done.upload.url!, { method: 'HEAD', headers: { 'tus-resumable': '1.0.0' } });
    expect(head.status).toBe(200);
    expect(head.headers.get('upload-offset')).toBe(String(bytes.length));
    expect(head.headers.get('etag')).toBe('"1"');
    expect(head.headers.get('cache-control')).toBe('no-store');

    const empty = await tusUpload(Buffer.alloc(0), { metadata: { namespace: 'tus', filename: 'empty.txt' } });
    expect(empty.error).toBeUndefined();
    expect((await download('tus/empty.txt')).status).toBe(200);
  });

  it('the If-Match given at creation decides the commit: a file changed meanwhile answers 412 and keeps the other writer\'s bytes', async () => {
    expect((await fetch(`${sys.http}/v1/files/tus/race.txt`, { method: 'PUT', body: 'first' })).status).toBe(201);
    const bytes = randomBytes(200_000);
    let changed = false;
    const outcome = await tusUpload(bytes, {
      chunkSize: 100_000,
      headers: { 'If-Match': '"1"' },
      metadata: { namespace: 'tus', path: 'race.txt' },
      onChunkComplete: () => {
        changed = true;
      },
      // the other writer lands between the first and the last chunk
      onAfterResponse: async (req) => {
        if (req.getMethod() === 'PATCH' && Number(req.getHeader('Upload-Offset')) === 0) {
          expect((await fetch(`${sys.http}/v1/files/tus/race.txt`, { method: 'PUT', body: 'second' })).status).toBe(200);
        }
      },
    });
    expect(changed).toBe(true);
    expect(outcome.error?.originalResponse?.getStatus()).toBe(412);
    const file = await download('tus/race.txt');
    expect(file.etag).toBe('"2"');
    expect(file.bytes.toString()).toBe('second');
    // If-None-Match: * on a file that exists fails at creation's evaluation at the end as well
    const fresh = await tusUpload(Buffer.from('new'), { headers: { 'If-None-Match': '*' }, metadata: { namespace: 'tus', path: 'brand-new.txt' } });
    expect(fresh.error).toBeUndefined();
    expect((await download('tus/brand-new.txt')).bytes.toString()).toBe('new');
  });

  it('termination deletes the upload and its bytes; Upload-Checksum refuses bytes that do not match (460) and keeps none of them', async () => {
    const headers = { 'tus-resumable': '1.0.0' };
    const created = await fetch(`${sys.http}/v1/uploads`, { method: 'POST', headers: { ...headers, 'upload-length': '10', 'upload-metadata': `namespace ${b64('tus')},path ${b64('sum.txt')}` } });
    expect(created.status).toBe(201);
    const url = new URL(created.headers.get('location')!, sys.http).toString();
    expect(Date.parse(created.headers.get('upload-expires')!)).toBeGreaterThan(Date.now());
    const patch = (body: string, offset: number, checksum?: string, contentType = 'application/offset+octet-stream') =>
      fetch(url, { method: 'PATCH', body, headers: { ...headers, 'content-type': contentType, 'upload-offset': String(offset), ...(checksum === undefined ? {} : { 'upload-checksum': checksum }) } });
    const sha1 = (text: string) => createHash('sha1').update(text).digest('base64');
    expect((await patch('01234', 0, `sha1 ${sha1('xxxxx')}`)).status).toBe(460);
    expect((await fetch(url, { method: 'HEAD', headers })).headers.get('upload-offset')).toBe('0');
    expect((await patch('01234', 0, `crc99 ${sha1('x')}`)).status).toBe(400);
    expect((await patch('01234', 0, undefined, 'text/plain')).status).toBe(415);
    const good = await patch('01234', 0, `sha1 ${sha1('01234')}`);
    expect(good.status).toBe(204);
    expect(good.headers.get('upload-offset')).toBe('5');
    expect(good.headers.get('tus-resumable')).toBe('1.0.0');
    expect((await patch('56789', 3)).status).toBe(409);

    const id = new URL(url).pathname.split('/').pop()!;
    expect((await readdir(join(sys.dir, 'blob', 'uploads'))).filter((name) => name.startsWith(id)).length).toBeGreaterThan(0);
    // tus-js-client's termination: DELETE
    await tus.Upload.terminate(url, {});
    expect((await fetch(url, { method: 'HEAD', headers })).status).toBe(404);
    const left = await readdir(join(sys.dir, 'blob', 'uploads'));
    expect(left.filter((name) => name.startsWith(id))).toEqual([]);
    expect((await download('tus/sum.txt')).status).toBe(404);
  });

  it('an upload resumes from its durable offset after the blob participant is SIGKILLed midway', async () => {
    const bytes = randomBytes(48 * 1024 * 1024);
    let killing: Promise<void> | undefined;
    const done = await tusUpload(bytes, {
      chunkSize: 8 * 1024 * 1024,
      metadata: { namespace: 'tus', path: 'killed/blob.bin' },
      onChunkComplete: (_size, accepted, total) => {
        if (killing === undefined && accepted >= total / 2) killing = sys.killAndAwaitRestart('blob');
      },
    });
    await killing;
    expect(done.error).toBeUndefined();
    const file = await download('tus/killed/blob.bin');
    expect(sha256(file.bytes)).toBe(sha256(bytes));
    // no PATCH went back to 0: the chunks acknowledged before the kill were kept
    expect(done.patchOffsets.filter((o) => o === 0)).toEqual([0]);
  }, 180_000);

  it('an upload resumes from its offset after the gateway is SIGKILLed midway, and the committed file has the sent SHA-256', async () => {
    const bytes = randomBytes(96 * 1024 * 1024);
    let killing: Promise<void> | undefined;
    const done = await tusUpload(bytes, {
      metadata: { namespace: 'tus', path: 'killed/big.bin' },
      onProgress: (sent, total) => {
        if (killing === undefined && sent >= total / 2) killing = sys.killAndAwaitRestart('gateway');
      },
    });
    await killing;
    expect(done.error).toBeUndefined();
    // one PATCH from 0, and after the kill one from where the bytes had got to, not from 0 again
    expect(done.patchOffsets.length).toBeGreaterThanOrEqual(2);
    expect(done.patchOffsets[0]).toBe(0);
    expect(done.patchOffsets.at(-1)).toBeGreaterThan(0);
    const file = await download('tus/killed/big.bin');
    expect(file.bytes.length).toBe(bytes.length);
    expect(sha256(file.bytes)).toBe(sha256(bytes));
  }, 180_000);
});
