import { createHash, randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DevSystem } from '../support/dev-system.js';
import { MotoServer } from '../../lib/s3/moto-server.js';

let moto: MotoServer;
let sys: DevSystem;
const bucket = 'twophase-e2e';

beforeAll(async () => {
  moto = await MotoServer.start();
  await moto.createBucket(bucket);
  sys = await DevSystem.start(['--s3-bucket', bucket, '--s3-endpoint', moto.endpoint, '--s3-region', 'us-east-1', '--s3-force-path-style'], { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
}, 120_000);

afterAll(async () => {
  await sys?.stop();
  await moto?.stop();
});

async function keys(prefix: string): Promise<string[]> {
  const client = new S3Client(moto.clientConfig);
  try {
    return ((await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }))).Contents ?? []).map((o) => o.Key ?? '');
  } finally {
    client.destroy();
  }
}

describe('the blob participant on S3 (dev --s3-bucket, moto_server)', () => {
  it('an upload through the gateway lands at objects/<sha256> in the bucket, reads back, and leaves no staging object', async () => {
    for (const size of [10_000, 3 * 1024 * 1024]) {
      const content = randomBytes(size);
      const sha = createHash('sha256').update(content).digest('hex');
      const res = await sys.fetch(`/v1/files/alice/s3-${size}.bin`, { method: 'PUT', body: new Uint8Array(content) });
      expect(res.status).toBe(201);
      expect(await keys(`objects/${sha}`)).toEqual([`objects/${sha}`]);
      const got = await sys.fetch(`/v1/files/alice/s3-${size}.bin`);
      expect(Buffer.from(await got.arrayBuffer()).equals(content)).toBe(true);
      const ranged = await sys.fetch(`/v1/files/alice/s3-${size}.bin`, { headers: { range: 'bytes=100-199' } });
      expect(Buffer.from(await ranged.arrayBuffer()).equals(content.subarray(100, 200))).toBe(true);
    }
    expect(await keys('staging/')).toEqual([]);
    // nothing went to the local data directory
    expect(await readdir(join(sys.dir, 'blob', 'objects')).catch(() => [])).toEqual([]);
  });

  it('an aborted upload (a checksum that does not match) leaves nothing in the bucket', async () => {
    const before = await keys('');
    const res = await sys.fetch('/v1/files/alice/s3-bad.bin', { method: 'PUT', body: 'abc', headers: { 'x-content-sha256': '0'.repeat(64) } });
    expect(res.status).toBe(400);
    expect((await keys('')).filter((k) => !before.includes(k))).toEqual([]);
  });

  it('a resumable upload (tus) is received in the local data directory and committed into the bucket; the session keeps no bytes after', async () => {
    const content = randomBytes(5 * 1024 * 1024 + 3);
    const sha = createHash('sha256').update(content).digest('hex');
    const tus = { 'tus-resumable': '1.0.0' };
    const created = await sys.fetch('/v1/uploads', {
      method: 'POST',
      headers: { ...tus, 'upload-length': String(content.length), 'upload-metadata': `namespace ${Buffer.from('alice').toString('base64')},path ${Buffer.from('s3-tus.bin').toString('base64')}` },
    });
    expect(created.status).toBe(201);
    const url = created.headers.get('location')!;
    const half = 2 * 1024 * 1024;
    for (const [offset, part] of [[0, content.subarray(0, half)], [half, content.subarray(half)]] as const) {
      const res = await sys.fetch(url, { method: 'PATCH', body: new Uint8Array(part), headers: { ...tus, 'content-type': 'application/offset+octet-stream', 'upload-offset': String(offset) } });
      expect(res.status).toBe(204);
    }
    expect(await keys(`objects/${sha}`)).toEqual([`objects/${sha}`]);
    expect(Buffer.from(await (await sys.fetch('/v1/files/alice/s3-tus.bin')).arrayBuffer()).equals(content)).toBe(true);
    const uploads = await readdir(join(sys.dir, 'blob', 'uploads'));
    expect(uploads.filter((n) => n.endsWith('.data'))).toEqual([]);
    expect(uploads.filter((n) => n.endsWith('.json')).length).toBe(1);
  });
});
