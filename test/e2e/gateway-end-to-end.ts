import { createHash, randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { adminStats } from '../support/admin-stats.js';
import type { DevSystem } from '../support/dev-system.js';

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/**
 * The end-to-end tests of the HTTP gateway over a whole system started with `twophase dev`
 * (`--max-upload-bytes 1 MiB --admin`, plus whatever the file adds: `--tls --auth jwt` for
 * the mutual-TLS run); `sys` gives the running system.
 */
export function gatewayEndToEnd(sys: () => DevSystem): void {
  async function put(path: string, body: Uint8Array | string, headers: Record<string, string> = {}): Promise<Response> {
    return sys().fetch(`/v1/files/${path}`, { method: 'PUT', body: typeof body === 'string' ? body : new Uint8Array(body), headers });
  }

  it('PUT of a new file answers 201 with its revision as ETag, and GET returns the identical bytes', async () => {
    const content = randomBytes(100_000);
    const res = await put('alice/docs/a.bin', content, { 'content-type': 'application/x-test' });
    expect(res.status).toBe(201);
    expect(res.headers.get('etag')).toBe('"1"');
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ namespace: 'alice', path: 'docs/a.bin', revision: 1, size: content.length, sha256: sha(content) });
    expect(typeof body.txId).toBe('string');

    const got = await sys().fetch(`/v1/files/alice/docs/a.bin`);
    expect(got.status).toBe(200);
    expect(got.headers.get('etag')).toBe('"1"');
    expect(got.headers.get('content-type')).toBe('application/x-test');
    expect(Buffer.from(await got.arrayBuffer()).equals(content)).toBe(true);
  });

  it('a body of at most 256 KiB with its length declared goes whole over the blob Link; a larger one streams through a Put call', async () => {
    const putCalls = async (): Promise<{ link: number; stream: number }> => {
      const stats = await adminStats(sys().blob, await sys().identity('admin'));
      return { link: stats['twophase_link_calls_served_total{kind="put"}'] ?? 0, stream: stats['twophase_rpc_served_total{method="/twophase.v1.BlobStore/Put"}'] ?? 0 };
    };
    const before = await putCalls();
    const small = randomBytes(256 * 1024);
    const smallRes = await put('alice/whole/small.bin', small);
    expect(smallRes.status).toBe(201);
    expect(await putCalls()).toEqual({ link: before.link + 1, stream: before.stream });

    const large = randomBytes(256 * 1024 + 1);
    const largeRes = await put('alice/whole/large.bin', large);
    expect(largeRes.status).toBe(201);
    expect(await putCalls()).toEqual({ link: before.link + 1, stream: before.stream + 1 });

    for (const [path, content] of [['small', small], ['large', large]] as const) {
      const got = await sys().fetch(`/v1/files/alice/whole/${path}.bin`);
      expect(Buffer.from(await got.arrayBuffer()).equals(content)).toBe(true);
    }
  });

  it('GET with Range returns 206 and exactly the bytes asked for; an unsatisfiable range is 416', async () => {
    const content = randomBytes(5_000);
    await put('alice/range.bin', content);
    const res = await sys().fetch(`/v1/files/alice/range.bin`, { headers: { range: 'bytes=100-199' } });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe('bytes 100-199/5000');
    expect(Buffer.from(await res.arrayBuffer()).equals(content.subarray(100, 200))).toBe(true);
    const suffix = await sys().fetch(`/v1/files/alice/range.bin`, { headers: { range: 'bytes=-10' } });
    expect(Buffer.from(await suffix.arrayBuffer()).equals(content.subarray(4_990))).toBe(true);
    const bad = await sys().fetch(`/v1/files/alice/range.bin`, { headers: { range: 'bytes=9000-' } });
    expect(bad.status).toBe(416);
  });

  it('HEAD answers the headers of GET without a body', async () => {
    await put('alice/head.txt', 'hello head', { 'content-type': 'text/plain' });
    const res = await sys().fetch(`/v1/files/alice/head.txt`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe('10');
    expect(res.headers.get('etag')).toBe('"1"');
    expect(res.headers.get('content-type')).toBe('text/plain');
  });

  it('a second PUT makes revision 2 (200), and If-Match of the first revision is then refused with 412', async () => {
    expect((await put('bob/c.txt', 'one')).status).toBe(201);
    const second = await put('bob/c.txt', 'two');
    expect(second.status).toBe(200);
    expect(second.headers.get('etag')).toBe('"2"');
    const stale = await put('bob/c.txt', 'three', { 'if-match': '"1"' });
    expect(stale.status).toBe(412);
    expect(((await stale.json()) as { error: { currentRevision: number } }).error.currentRevision).toBe(2);
    const fresh = await put('bob/c.txt', 'three', { 'if-match': '"2"' });
    expect(fresh.status).toBe(200);
    expect(await (await sys().fetch(`/v1/files/bob/c.txt`)).text()).toBe('three');
  });

  it('If-None-Match: * creates only when the file does not exist', async () => {
    expect((await put('bob/once.txt', 'x', { 'if-none-match': '*' })).status).toBe(201);
    expect((await put('bob/once.txt', 'y', { 'if-none-match': '*' })).status).toBe(412);
    expect(await (await sys().fetch(`/v1/files/bob/once.txt`)).text()).toBe('x');
  });

  it('every conditional form of RFC 9110: If-Match lists, * and weak tags, If-None-Match lists, the date conditions and If-Range', async () => {
    expect((await put('bob/cond.txt', 'v1', { 'if-match': '*' })).status).toBe(412);
    expect((await put('bob/cond.txt', 'v1')).status).toBe(201);
    expect((await put('bob/cond.txt', 'v2', { 'if-match': '*' })).status).toBe(200);
    // strong comparison: a weak tag of the current revision is false
    expect((await put('bob/cond.txt', 'v3', { 'if-match': 'W/"2"' })).status).toBe(412);
    expect((await put('bob/cond.txt', 'v3', { 'if-match': '"1", "2"' })).status).toBe(200);
    expect((await put('bob/cond.txt', 'v4', { 'if-none-match': '"3"' })).status).toBe(412);
    expect((await put('bob/cond.txt', 'v4', { 'if-none-match': 'W/"1", "2"' })).status).toBe(200);
    expect((await put('bob/cond.txt', 'v5', { 'if-unmodified-since': new Date(Date.now() - 3_600_000).toUTCString() })).status).toBe(412);
    expect((await put('bob/cond.txt', 'v5', { 'if-unmodified-since': new Date(Date.now() + 3_600_000).toUTCString() })).status).toBe(200);
    const current = await sys().fetch('/v1/files/bob/cond.txt');
    expect(await current.text()).toBe('v5');
    const lastModified = current.headers.get('last-modified') as string;
    expect((await sys().fetch('/v1/files/bob/cond.txt', { headers: { 'if-modified-since': lastModified } })).status).toBe(304);
    expect((await sys().fetch('/v1/files/bob/cond.txt', { headers: { 'if-none-match': 'W/"5"' } })).status).toBe(304);
    expect((await sys().fetch('/v1/files/bob/cond.txt', { headers: { 'if-match': '"4"' } })).status).toBe(412);
    // If-Range: the range only while the file is still the one named; else the whole file
    const ranged = await sys().fetch('/v1/files/bob/cond.txt', { headers: { range: 'bytes=1-1', 'if-range': '"5"' } });
    expect([ranged.status, await ranged.text()]).toEqual([206, '5']);
    const whole = await sys().fetch('/v1/files/bob/cond.txt', { headers: { range: 'bytes=1-1', 'if-range': '"4"' } });
    expect([whole.status, await whole.text()]).toEqual([200, 'v5']);
    expect((await sys().fetch('/v1/files/bob/cond.txt', { method: 'DELETE', headers: { 'if-none-match': '*' } })).status).toBe(412);
    expect((await sys().fetch('/v1/files/bob/cond.txt', { method: 'DELETE', headers: { 'if-match': '"4", "5"' } })).status).toBe(200);
  });

  it('?revisions lists the history newest first, and DELETE writes a tombstone revision', async () => {
    await put('carol/h.txt', 'v1');
    await put('carol/h.txt', 'v2');
    const del = await sys().fetch(`/v1/files/carol/h.txt`, { method: 'DELETE' });
    expect(del.status).toBe(200);
    expect(del.headers.get('etag')).toBe('"3"');
    expect((await sys().fetch(`/v1/files/carol/h.txt`)).status).toBe(404);
    const history = (await (await sys().fetch(`/v1/files/carol/h.txt?revisions`)).json()) as { revisions: { revision: number; deleted: boolean; sha256: string }[] };
    expect(history.revisions.map((r) => [r.revision, r.deleted])).toEqual([
      [3, true],
      [2, false],
      [1, false],
    ]);
    expect(history.revisions[1]?.sha256).toBe(sha(Buffer.from('v2')));
    // an old revision is still readable by number
    expect(await (await sys().fetch(`/v1/files/carol/h.txt?revision=1`)).text()).toBe('v1');
  });

  it('bad paths are 400 and store nothing', async () => {
    // fetch resolves literal dot segments itself, so the traversal is sent with encoded slashes
    for (const path of ['alice/a%2F..%2F..%2Fetc%2Fpasswd', 'alice/x%2F..', 'alice/%00x', 'bad%20ns/x', `alice/${'x'.repeat(2000)}`]) {
      const res = await put(path, 'x');
      expect(res.status, path).toBe(400);
    }
    const listing = (await (await sys().fetch(`/v1/files/alice`)).json()) as { files: { path: string }[] };
    expect(listing.files.map((f) => f.path).some((p) => p.includes('passwd') || p.includes('\u0000'))).toBe(false);
  });

  it('an upload over the size limit is 413 and stores nothing', async () => {
    const res = await put('alice/huge.bin', randomBytes(1024 * 1024 + 1));
    expect(res.status).toBe(413);
    expect((await sys().fetch(`/v1/files/alice/huge.bin`)).status).toBe(404);
  });

  it('a participant down is 503 and stores nothing', async () => {
    const { blob } = await sys().pids();
    process.kill(blob as number, 'SIGKILL');
    const res = await put('alice/while-down.txt', 'nope');
    expect(res.status).toBe(503);
    await sys().proc.waitForLine((l) => typeof l.msg === 'string' && l.msg.startsWith('[dev] blob ready') && sys().proc.lines.filter((x) => String(x.msg).startsWith('[dev] blob ready')).length >= 2, 60_000);
    expect((await sys().fetch(`/v1/files/alice/while-down.txt`)).status).toBe(404);
  });
}
