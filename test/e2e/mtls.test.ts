import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DevSystem } from '../support/dev-system.js';
import { runCli } from '../support/cli-process.js';
import { gatewayEndToEnd } from './gateway-end-to-end.js';
import { loadProto } from '../../proto/load-proto.js';
import { channelCredentials } from '../../lib/tls/transport-credentials.js';
import { devCertificates } from '../../lib/tls/dev-certificates.js';
import type { TlsMaterial } from '../../lib/tls/tls-material.js';
import { PermissionDeniedError, TwoPhaseClient } from '../../sdk/index.js';

let sys: DevSystem;

beforeAll(async () => {
  sys = await DevSystem.start(['--max-upload-bytes', String(1024 * 1024), '--admin', '--tls', '--auth', 'jwt']);
}, 120_000);

afterAll(async () => {
  await sys?.stop();
});

describe('HTTP gateway end to end over mutual TLS, with bearer tokens (dev --tls --auth jwt)', () => {
  gatewayEndToEnd(() => sys);
});

type Unary = (request: object, options: grpc.CallOptions, callback: (err: grpc.ServiceError | null, response?: unknown) => void) => unknown;

/** One unary call; resolves with its status code (OK = 0). */
function codeOf(client: grpc.Client, method: string, request: object): Promise<{ code: number; details: string }> {
  return new Promise((resolve) => {
    (client as unknown as Record<string, Unary>)[method]?.call(client, request, { deadline: new Date(Date.now() + 5_000) }, (err) => {
      resolve({ code: err === null ? grpc.status.OK : err.code, details: err?.details ?? '' });
      client.close();
    });
  });
}

describe('mutual TLS between the processes', () => {
  const proto = () => loadProto().twophase.v1;
  const as = async (name: string): Promise<grpc.ChannelCredentials> => channelCredentials((await sys.identity(name)) as TlsMaterial);

  it('the SDK with a client certificate uploads and reads back; the same over plaintext does not reach the TLS port', async () => {
    const tls = (await sys.identity('client')) as TlsMaterial;
    const client = new TwoPhaseClient({ coordinator: sys.coordinator, tls: { ca: tls.ca, cert: tls.cert, key: tls.key } });
    try {
      const result = await client.uploadFile({ namespace: 'sdk', path: 'mtls.txt', content: Buffer.from('over mTLS') });
      expect(result.revision).toBe(1);
      const { body } = await client.download({ namespace: 'sdk', path: 'mtls.txt' });
      const chunks: Buffer[] = [];
      for await (const chunk of body) chunks.push(chunk as Buffer);
      expect(Buffer.concat(chunks).toString()).toBe('over mTLS');
    } finally {
      client.close();
    }
    const plain = await codeOf(new (proto().Coordinator)(sys.coordinator, grpc.credentials.createInsecure()), 'Begin', {});
    expect(plain.code).toBe(grpc.status.UNAVAILABLE);
  });

  it('a client without a certificate is refused UNAUTHENTICATED, at every port', async () => {
    const ca = await readFile(join(sys.dir, 'tls', 'ca.crt'));
    for (const [Service, address, method] of [
      [proto().Coordinator, sys.coordinator, 'Begin'],
      [proto().Participant, sys.blob, 'ListInDoubt'],
      [proto().Metadata, sys.metadata, 'ListFiles'],
    ] as const) {
      const { code, details } = await codeOf(new Service(address, grpc.credentials.createSsl(ca)), method, { namespace: 'x' });
      expect(code, `${address} ${method}: ${details}`).toBe(grpc.status.UNAUTHENTICATED);
    }
  });

  it('a certificate from another CA is refused UNAUTHENTICATED', async () => {
    const otherDir = await mkdtemp(join(tmpdir(), 'twophase-other-ca-'));
    try {
      const other = await devCertificates(otherDir, ['client'], { subject: 'another CA' });
      const files = other.identities.client as { cert: string; key: string };
      // the same identity (URI:spiffe://twophase.dev/client) as the policy's client, issued by a CA the services do not trust
      const credentials = grpc.credentials.createSsl(await readFile(join(sys.dir, 'tls', 'ca.crt')), await readFile(files.key), await readFile(files.cert));
      const { code } = await codeOf(new (proto().Coordinator)(sys.coordinator, credentials), 'Begin', {});
      expect(code).toBe(grpc.status.UNAUTHENTICATED);
    } finally {
      await rm(otherDir, { recursive: true, force: true });
    }
  });

  it("a participant's certificate cannot call Participant.Commit on another participant, nor Admin, nor enlist as another (PERMISSION_DENIED)", async () => {
    const blob = await as('blob');
    const commit = await codeOf(new (proto().Participant)(sys.metadata, blob), 'Commit', { txId: 'a'.repeat(21) });
    expect(commit.code, commit.details).toBe(grpc.status.PERMISSION_DENIED);
    const admin = await codeOf(new (proto().Admin)(sys.coordinator, blob), 'GetStats', {});
    expect(admin.code, admin.details).toBe(grpc.status.PERMISSION_DENIED);
    const ownAdmin = await codeOf(new (proto().Admin)(sys.blob, blob), 'ArmFailpoints', { spec: 'blob.put.after-stage=crash' });
    expect(ownAdmin.code).toBe(grpc.status.PERMISSION_DENIED);
    const enlist = await codeOf(new (proto().Coordinator)(sys.coordinator, blob), 'Enlist', { txId: 'a'.repeat(21), participantId: 'metadata' });
    expect(enlist.code, enlist.details).toBe(grpc.status.PERMISSION_DENIED);
    // under its own id the enlist is authorized, and the coordinator answers for the tx (unknown here)
    const own = await codeOf(new (proto().Coordinator)(sys.coordinator, blob), 'Enlist', { txId: 'a'.repeat(21), participantId: 'blob' });
    expect(own.code, own.details).toBe(grpc.status.NOT_FOUND);
    // and a client may not drive a participant
    const prepare = await codeOf(new (proto().Participant)(sys.blob, await as('client')), 'Prepare', { txId: 'a'.repeat(21) });
    expect(prepare.code).toBe(grpc.status.PERMISSION_DENIED);
  });

  it('a refused call on a Link is answered PERMISSION_DENIED and the stream goes on (the SDK sees PermissionDeniedError)', async () => {
    // the blob participant's certificate holds no client role: a Begin over the coordinator's Link is refused
    const tls = (await sys.identity('blob')) as TlsMaterial;
    const client = new TwoPhaseClient({ coordinator: sys.coordinator, tls });
    try {
      await expect(client.begin()).rejects.toBeInstanceOf(PermissionDeniedError);
      await expect(client.getOutcome('b'.repeat(21))).resolves.toMatchObject({ outcome: 'aborted', presumed: true });
    } finally {
      client.close();
    }
  });

  it('the admin identity reads counters; each refusal is logged with the caller, without its metadata', async () => {
    const stats = await codeOf(new (proto().Admin)(sys.coordinator, await as('admin')), 'GetStats', {});
    expect(stats.code).toBe(grpc.status.OK);
    // the operator lists in-doubt branches and may abort one (admin resolve --abort); a commit is the coordinator's alone
    expect((await codeOf(new (proto().Participant)(sys.blob, await as('admin')), 'ListInDoubt', {})).code).toBe(grpc.status.OK);
    expect((await codeOf(new (proto().Participant)(sys.blob, await as('admin')), 'Commit', { txId: 'a'.repeat(21) })).code).toBe(grpc.status.PERMISSION_DENIED);
    const log = await readFile(join(sys.dir, 'logs', 'coordinator.log'), 'utf8');
    const refusals = log.split('\n').filter((l) => l.includes('"call refused"'));
    expect(refusals.some((l) => l.includes('/twophase.v1.Admin/GetStats') && l.includes('spiffe://twophase.dev/blob'))).toBe(true);
  });
});

describe('twophase admin over mutual TLS', () => {
  it('reads counters and in-doubt branches with the admin certificate, and is refused without one', { timeout: 60_000 }, async () => {
    const tls = join(sys.dir, 'tls');
    const flags = ['--tls-cert', join(tls, 'admin.crt'), '--tls-key', join(tls, 'admin.key'), '--tls-ca', join(tls, 'ca.crt')];
    const stats = await runCli(['admin', 'stats', '--coordinator', sys.coordinator, '--json', ...flags]);
    expect(stats.code, stats.stderr).toBe(0);
    expect(JSON.parse(stats.stdout)).toEqual(expect.arrayContaining([expect.objectContaining({ target: 'coordinator' })]));
    const inDoubt = await runCli(['admin', 'in-doubt', '--coordinator', sys.coordinator, ...flags]);
    expect([inDoubt.code, inDoubt.stdout.trim()]).toEqual([0, 'no branch in doubt at blob, metadata']);
    const plain = await runCli(['admin', 'stats', '--coordinator', sys.coordinator]);
    expect(plain.code).not.toBe(0);
    // a client's certificate is not an admin's
    const asClient = await runCli(['admin', 'stats', '--coordinator', sys.coordinator, '--tls-cert', join(tls, 'client.crt'), '--tls-key', join(tls, 'client.key'), '--tls-ca', join(tls, 'ca.crt')]);
    expect(asClient.code).not.toBe(0);
    expect(asClient.stderr).toMatch(/may not call \/twophase\.v1\.Admin\/GetStats/);
  });
});

describe('bearer tokens at the gateway', () => {
  const secret = async (): Promise<Uint8Array> => Buffer.from((await readFile(join(sys.dir, 'jwt-secret'), 'utf8')).trim(), 'utf8');
  const token = async (claims: Record<string, unknown>, expiresIn: string | number = '1h', key?: Uint8Array): Promise<string> =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('user')
      .setExpirationTime(expiresIn)
      .sign(key ?? (await secret()));
  const used: string[] = [];
  const put = async (path: string, bearer: string | null): Promise<Response> => {
    if (bearer !== null) used.push(bearer);
    return sys.fetch(`/v1/files/${path}`, { method: 'PUT', body: 'x', token: bearer });
  };

  it('missing token 401 with WWW-Authenticate; expired or badly signed 401; another namespace 403; the right token 201', async () => {
    const missing = await put('alice/t.txt', null);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="twophase"');

    const expired = await put('alice/t.txt', await token({ namespaces: { write: ['alice'] } }, Math.floor(Date.now() / 1000) - 3600));
    expect(expired.status).toBe(401);
    expect(expired.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);

    const forged = await put('alice/t.txt', await token({ namespaces: { write: ['alice'] } }, '1h', Buffer.from('a secret that is not the gateway one, 32+ bytes')));
    expect(forged.status).toBe(401);

    const noExp = await put('alice/t.txt', await new SignJWT({ namespaces: { write: ['alice'] } }).setProtectedHeader({ alg: 'HS256' }).sign(await secret()));
    expect(noExp.status).toBe(401);

    const readOnly = await token({ namespaces: { read: ['alice'] } });
    expect((await put('alice/t.txt', readOnly)).status).toBe(403);
    const other = await token({ namespaces: { read: ['bob'], write: ['bob'] } });
    expect((await put('alice/t.txt', other)).status).toBe(403);
    used.push(other);
    expect((await sys.fetch('/v1/files/alice/t.txt', { token: other })).status).toBe(403);

    const right = await token({ namespaces: { read: ['alice'], write: ['alice'] } });
    expect((await put('alice/t.txt', right)).status).toBe(201);
    expect((await sys.fetch('/v1/files/alice/t.txt', { token: right })).status).toBe(200);
    expect((await sys.fetch('/v1/files/alice/t.txt', { token: readOnly })).status).toBe(200);
  });

  it('a resumable upload (tus) is its namespace\'s: another token may not create one there, nor look at, append to or delete one', async () => {
    const alice = await token({ namespaces: { read: ['alice'], write: ['alice'] } });
    const bob = await token({ namespaces: { read: ['bob'], write: ['bob'] } });
    used.push(alice, bob);
    const tus = { 'tus-resumable': '1.0.0' };
    const metadata = `namespace ${Buffer.from('alice').toString('base64')},path ${Buffer.from('tus.txt').toString('base64')}`;
    const create = (bearer: string | null) => sys.fetch('/v1/uploads', { method: 'POST', headers: { ...tus, 'upload-length': '4', 'upload-metadata': metadata }, token: bearer });
    expect((await create(null)).status).toBe(401);
    expect((await create(bob)).status).toBe(403);
    const created = await create(alice);
    expect(created.status).toBe(201);
    const url = created.headers.get('location')!;
    const patch = (bearer: string | null) =>
      sys.fetch(url, { method: 'PATCH', body: 'abcd', headers: { ...tus, 'content-type': 'application/offset+octet-stream', 'upload-offset': '0' }, token: bearer });
    expect((await sys.fetch(url, { method: 'HEAD', headers: tus, token: bob })).status).toBe(403);
    expect((await patch(bob)).status).toBe(403);
    expect((await patch(null)).status).toBe(401);
    expect((await sys.fetch(url, { method: 'DELETE', headers: tus, token: bob })).status).toBe(403);
    const done = await patch(alice);
    expect(done.status).toBe(204);
    expect(done.headers.get('etag')).toBe('"1"');
    expect(await (await sys.fetch('/v1/files/alice/tus.txt', { token: alice })).text()).toBe('abcd');
  });

  it('twophase sync with --token-file goes through HTTPS and the token, over tus for a large file; without a token it stops with one line', async () => {
    const alice = await token({ namespaces: { read: ['alice'], write: ['alice'] } });
    used.push(alice);
    const folder = await mkdtemp(join(tmpdir(), 'twophase-sync-jwt-'));
    try {
      const tokenFile = join(folder, '..', `${folder.split('/').pop()}.token`);
      await writeFile(tokenFile, alice);
      // under the gateway's --max-upload-bytes of 1 MiB here, over the resumable threshold given below
      const big = randomBytes(900 * 1024);
      await writeFile(join(folder, 'big.bin'), big);
      await writeFile(join(folder, 'note.txt'), 'synced');
      const env = { NODE_EXTRA_CA_CERTS: join(sys.dir, 'tls', 'ca.crt'), TWOPHASE_LOG_LEVEL: 'info' };
      const args = ['sync', folder, '--namespace', 'alice', '--gateway', sys.http, '--once', '--no-progress', '--resumable-min-bytes', String(512 * 1024)];
      const synced = await runCli([...args, '--token-file', tokenFile], 120_000, env);
      expect(synced.code, `${synced.stderr}${synced.stdout.split("\n").filter((l) => /"level":[45]0/.test(l)).join("\n")}`).toBe(0);
      const got = await sys.fetch('/v1/files/alice/big.bin', { token: alice });
      expect(createHash('sha256').update(Buffer.from(await got.arrayBuffer())).digest('hex')).toBe(createHash('sha256').update(big).digest('hex'));
      expect(await (await sys.fetch('/v1/files/alice/note.txt', { token: alice })).text()).toBe('synced');
      // it went over tus: its session, committed, is kept at the blob participant
      const uploads = join(sys.dir, 'blob', 'uploads');
      const records = await Promise.all((await readdir(uploads)).filter((n) => n.endsWith('.json')).map(async (n) => JSON.parse(await readFile(join(uploads, n), 'utf8')) as { path: string; committed: boolean }));
      expect(records.filter((r) => r.path === 'big.bin').map((r) => r.committed)).toEqual([true]);
      await rm(tokenFile, { force: true });
      const refused = await runCli(args, 120_000, env);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr.trim().split('\n').at(-1)).toMatch(/401 UNAUTHENTICATED/);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it("/v1/transactions/{txId} answers only a token that may read the namespace the tx wrote", async () => {
    const alice = await token({ namespaces: { read: ['alice'], write: ['alice'] } });
    const bob = await token({ namespaces: { read: ['bob'], write: ['bob'] } });
    used.push(alice, bob);
    const written = (await (await sys.fetch('/v1/files/alice/tx.txt', { method: 'PUT', body: 'x', token: alice })).json()) as { txId: string };
    const mine = await sys.fetch(`/v1/transactions/${written.txId}`, { token: alice });
    expect(mine.status).toBe(200);
    expect(await mine.json()).toMatchObject({ txId: written.txId, outcome: 'committed', namespace: 'alice', path: 'tx.txt' });
    expect((await sys.fetch(`/v1/transactions/${written.txId}`, { token: bob })).status).toBe(404);
    expect((await sys.fetch(`/v1/transactions/${written.txId}`, { token: null })).status).toBe(401);
    // a tx that wrote nothing: the same 404 to a scoped token, the presumed abort to a token for every namespace
    const unknown = 'c'.repeat(21);
    expect((await sys.fetch(`/v1/transactions/${unknown}`, { token: alice })).status).toBe(404);
    const everything = await sys.fetch(`/v1/transactions/${unknown}`);
    expect(await everything.json()).toMatchObject({ outcome: 'aborted', presumed: true });
  });

  it('no token appears in any log line of any process', async () => {
    expect(used.length).toBeGreaterThan(5);
    const logs = join(sys.dir, 'logs');
    const files = await readdir(logs);
    expect(files).toEqual(expect.arrayContaining(['gateway.log', 'coordinator.log', 'blob.log', 'metadata.log']));
    const devToken = sys.token as string;
    for (const file of files) {
      const text = await readFile(join(logs, file), 'utf8');
      for (const t of [...used, devToken]) {
        // the signature is the secret part; the header and claims are not secret, but none of them is logged either
        expect(text.includes(t.split('.')[2] as string), `${file} holds a token`).toBe(false);
        expect(text.includes(t), `${file} holds a token`).toBe(false);
      }
    }
    // and dev printed where its token is, never the token
    expect(sys.proc.lines.some((l) => JSON.stringify(l).includes(devToken))).toBe(false);
  });
});
