import { createHash } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DevSystem } from '../support/dev-system.js';
import { CliProcess } from '../support/cli-process.js';
import { freePort } from '../../lib/free-port/free-port.js';
import { namespaceProblem } from '../../lib/file-path/namespace-problem.js';
import { txIdProblem } from '../../lib/tx-id/tx-id.js';
import { propertyRuns } from '../support/property-runs.js';
import { head, rawExchange } from './raw-http.js';
import { expectNoRestartAndNothingStored, storedState, type StoredState } from './stored-state.js';

/**
 * Random and malformed HTTP requests, written raw on a socket, against the gateway of a
 * whole system (`twophase dev --auth jwt`): every one is refused with a 4xx (or, for a body
 * cut short, the connection closes), no process restarts, and nothing is stored.
 */
let sys: DevSystem;
let port: number;
let before: StoredState;
let tried = 0;
const maxUpload = 1024 * 1024;

/** A file every range request reads: stored before the run, so the run itself must store nothing more. */
const stored = Buffer.from(Array.from({ length: 1_000 }, (_, i) => i % 251));

beforeAll(async () => {
  sys = await DevSystem.start(['--auth', 'jwt', '--max-upload-bytes', String(maxUpload)]);
  port = Number(new URL(sys.http).port);
  const put = await sys.fetch('/v1/files/ranges/stored.bin', { method: 'PUT', body: new Uint8Array(stored) });
  if (put.status !== 201) throw new Error(`could not store the file the range requests read: ${put.status}`);
  before = await storedState(sys);
}, 120_000);

afterAll(async () => {
  console.info(`HTTP hostile input: ${tried} requests`);
  await sys?.stop();
});

interface HostileRequest {
  readonly kind: string;
  readonly parts: readonly Buffer[];
  /** A body cut short: the client half-closes, and the server may close without answering. */
  readonly cutShort?: boolean;
}

const wrongSha = '0'.repeat(64);
const name = fc.stringMatching(/^[a-z0-9]{1,12}$/);
const body = fc.uint8Array({ minLength: 1, maxLength: 2_000 }).map((b) => Buffer.from(b));

/** Every hostile request the run draws from; each is refused by construction, so a 2xx is a failure. */
function hostileRequest(token: string): fc.Arbitrary<HostileRequest> {
  const auth = ['authorization', `Bearer ${token}`] as const;
  const put = (path: string, headers: readonly (readonly [string, string])[], content: Buffer): Buffer[] => [
    head(`PUT /v1/files/${path} HTTP/1.1`, [['host', 'gateway'], ['connection', 'close'], auth, ['content-length', String(content.length)], ...headers]),
    content,
  ];
  const badNamespace = fc.oneof(
    fc.constantFrom('..', '.', 'a%20b', 'a%2Fb', '%00', 'x'.repeat(300), '%C3%BC', '%zz', 'a:b'),
    fc.string({ minLength: 1, maxLength: 20 }).filter((s) => namespaceProblem(s) !== undefined && !s.includes('/') && !s.includes('?') && !s.includes('#')).map(encodeURIComponent),
  );
  const badPath = fc.constantFrom('..', '%2e%2e', 'a/../b', 'a/%2e%2e/b', '%00x', 'a%5C..%5Cb', 'y'.repeat(3_000), 'a/./b', '%zz', '/', '%2F..%2F..%2Fetc%2Fpasswd');
  return fc.oneof(
    fc.record({ method: fc.constantFrom('PUT', 'GET', 'HEAD', 'DELETE'), ns: badNamespace, seg: name, content: body }).map(({ method, ns, seg, content }) => ({
      kind: 'bad namespace',
      parts: method === 'PUT' ? put(`${ns}/${seg}`, [], content) : [head(`${method} /v1/files/${ns}/${seg} HTTP/1.1`, [['host', 'g'], ['connection', 'close'], auth])],
    })),
    fc.record({ method: fc.constantFrom('PUT', 'GET', 'HEAD', 'DELETE'), path: badPath, content: body }).map(({ method, path, content }) => ({
      kind: 'bad path',
      parts: method === 'PUT' ? put(`alice/${path}`, [], content) : [head(`${method} /v1/files/alice/${path} HTTP/1.1`, [['host', 'g'], ['connection', 'close'], auth])],
    })),
    fc.record({ path: name, junk: fc.string({ maxLength: 40 }).filter((s) => !/[\r\n]/.test(s)), content: body }).map(({ path, junk, content }) => ({
      kind: 'malformed If-Match',
      parts: put(`alice/${path}`, [['if-match', `x${junk}`]], content),
    })),
    fc.record({ path: name, content: body, rev: fc.integer({ min: 1, max: 1_000_000 }) }).map(({ path, content, rev }) => ({
      kind: 'If-Match of a file that does not exist',
      parts: put(`nobody/${path}`, [['if-match', `"${rev}"`]], content),
    })),
    fc.record({ path: name, content: body, missing: fc.integer({ min: 1, max: 5_000 }) }).map(({ path, content, missing }) => ({
      kind: 'body shorter than Content-Length',
      parts: [head(`PUT /v1/files/alice/${path} HTTP/1.1`, [['host', 'g'], ['connection', 'close'], auth, ['content-length', String(content.length + missing)]]), content],
      cutShort: true,
    })),
    fc.record({ path: name, content: body.filter((b) => b.length > 1), cut: fc.integer({ min: 1, max: 1_000 }) }).map(({ path, content, cut }) => {
      const declared = Math.max(0, content.length - cut);
      // what follows the declared length is read as the next request; the SHA-256 of the whole body fails the first
      const sha = createHash('sha256').update(content).digest('hex');
      return {
        kind: 'body longer than Content-Length',
        parts: [head(`PUT /v1/files/alice/${path} HTTP/1.1`, [['host', 'g'], ['connection', 'close'], auth, ['content-length', String(declared)], ['x-content-sha256', sha]]), content],
      };
    }),
    fc.record({ path: name, framing: fc.constantFrom('zz\r\nabc\r\n0\r\n\r\n', '5\r\nab\r\n0\r\n\r\n', '3\r\nabc', '-1\r\nabc\r\n0\r\n\r\n', '3\r\nabcXX0\r\n\r\n', '\r\n\r\n', 'ffffffffffffffffff\r\nabc\r\n') }).map(({ path, framing }) => ({
      kind: 'bad chunked framing',
      parts: [head(`PUT /v1/files/alice/${path} HTTP/1.1`, [['host', 'g'], ['connection', 'close'], auth, ['transfer-encoding', 'chunked'], ['x-content-sha256', wrongSha]]), Buffer.from(framing, 'latin1')],
      cutShort: true,
    })),
    fc.record({ path: name, content: body }).map(({ path, content }) => ({
      kind: 'Content-Length and chunked together',
      parts: [head(`PUT /v1/files/alice/${path} HTTP/1.1`, [['host', 'g'], ['connection', 'close'], auth, ['content-length', String(content.length)], ['transfer-encoding', 'chunked']]), content],
    })),
    fc.record({ path: name, content: body, cl: fc.constantFrom('abc', '-1', '1e3', '0x10', ' ', '99999999999999999999') }).map(({ path, content, cl }) => ({
      kind: 'bad Content-Length',
      parts: [head(`PUT /v1/files/alice/${path} HTTP/1.1`, [['host', 'g'], ['connection', 'close'], auth, ['content-length', cl]]), content],
    })),
    fc.record({ path: name, content: body }).map(({ path, content }) => ({
      kind: 'two Content-Lengths',
      parts: [head(`PUT /v1/files/alice/${path} HTTP/1.1`, [['host', 'g'], ['connection', 'close'], auth, ['content-length', String(content.length)], ['content-length', String(content.length + 1)]]), content],
    })),
    fc.record({ path: name, content: body, sha: fc.string({ maxLength: 70 }).filter((s) => !/^[0-9a-fA-F]{64}$/.test(s) && !/[\r\n]/.test(s) && s.trim() !== '') }).map(({ path, content, sha }) => ({
      kind: 'bad X-Content-SHA256',
      parts: put(`alice/${path}`, [['x-content-sha256', sha]], content),
    })),
    fc.record({ path: name, content: body }).map(({ path, content }) => ({ kind: 'wrong X-Content-SHA256', parts: put(`alice/${path}`, [['x-content-sha256', wrongSha]], content) })),
    // the other headers a PUT reads, at random, on an upload the checksum then refuses (with
    // Content-Length and the digest both given, the revision is staged while the bytes travel)
    fc.record({ path: name, content: body, type: fc.stringMatching(/^[\x20-\x7e]{0,300}$/), trace: fc.stringMatching(/^[\x21-\x7e]{0,80}$/) }).map(({ path, content, type, trace }) => ({
      kind: 'random Content-Type and traceparent',
      parts: put(`alice/${path}`, [['content-type', type.trim() === '' ? 'x' : type.trim()], ['traceparent', trace === '' ? '-' : trace], ['x-content-sha256', wrongSha]], content),
    })),
    fc.record({
      method: fc.constantFrom('PUT', 'GET'),
      path: name,
      value: fc.oneof(
        fc.constant(''),
        fc.string({ maxLength: 60 }).filter((s) => !/[\r\n]/.test(s)),
        fc.string({ maxLength: 60 }).filter((s) => !/[\r\n]/.test(s)).map((s) => `Bearer ${s}`),
        fc.constant(`Bearer ${token}x`),
        fc.constant(`Basic ${Buffer.from('alice:secret').toString('base64')}`),
        fc.constant(`Bearer ${token.split('.').slice(0, 2).join('.')}.`),
      ),
    }).map(({ method, path, value }) => ({
      kind: 'bad Authorization',
      parts: [head(`${method} /v1/files/alice/${path} HTTP/1.1`, [['host', 'g'], ['connection', 'close'], ['authorization', value], ['content-length', '1']]), Buffer.from('x')],
    })),
    fc.record({ path: name, size: fc.integer({ min: 17 * 1024, max: 64 * 1024 }) }).map(({ path, size }) => ({
      kind: 'headers over the limit',
      parts: [head(`GET /v1/files/alice/${path} HTTP/1.1`, [['host', 'g'], ['connection', 'close'], auth, ['x-pad', 'p'.repeat(size)]])],
    })),
    fc.record({ method: fc.constantFrom('PATCH', 'PROPFIND', 'TRACE', 'FOO', 'OPTIONS', 'POST'), path: name }).map(({ method, path }) => ({
      kind: 'method not served',
      parts: [head(`${method} /v1/files/alice/${path} HTTP/1.1`, [['host', 'g'], ['connection', 'close'], auth, ['content-length', '0']])],
    })),
    fc.uint8Array({ minLength: 1, maxLength: 200 }).map((junk) => ({ kind: 'not HTTP', parts: [Buffer.concat([Buffer.from(junk), Buffer.from('\r\n\r\n')])], cutShort: true })),
    fc.record({ path: name, content: body }).map(({ path, content }) => ({
      kind: 'over the upload limit',
      parts: [head(`PUT /v1/files/alice/${path} HTTP/1.1`, [['host', 'g'], ['connection', 'close'], auth, ['content-length', String(maxUpload + 1)]]), content],
    })),
    fc.record({ path: name, query: fc.constantFrom('revision=abc', 'revision=0', 'revision=-1', 'pageSize=0', 'pageSize=abc', 'revisions&pageSize=100000', 'revision=99999999999999999') }).map(({ path, query }) => ({
      kind: 'bad query',
      parts: [head(`GET /v1/files/alice/${path}?${query} HTTP/1.1`, [['host', 'g'], ['connection', 'close'], auth])],
    })),
    fc.record({ path: name, range: fc.string({ maxLength: 40 }).filter((s) => !/[\r\n]/.test(s)) }).map(({ path, range }) => ({
      kind: 'a Range of a file that does not exist',
      parts: [head(`GET /v1/files/nobody/${path} HTTP/1.1`, [['host', 'g'], ['connection', 'close'], auth, ['range', range]])],
    })),
    fc.string({ minLength: 1, maxLength: 80 }).filter((s) => txIdProblem(s) !== undefined && /^[\x21-\x7e]+$/.test(s) && !/[/?#%]/.test(s)).map((id) => ({
      kind: 'bad tx id',
      parts: [head(`GET /v1/transactions/${id} HTTP/1.1`, [['host', 'g'], ['connection', 'close'], auth])],
    })),
  );
}

describe('hostile HTTP input (property-based, fast-check)', () => {
  it('every malformed or refused request gets a 4xx (or, cut short, a closed connection), never a 2xx or a 5xx', { timeout: 600_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(hostileRequest(sys.token as string), async (request) => {
        tried += 1;
        const { statuses, closedByServer } = await rawExchange(port, request.parts, { halfClose: request.cutShort === true });
        if (statuses.length === 0) expect(request.cutShort === true && closedByServer, `${request.kind}: no answer`).toBe(true);
        for (const status of statuses) expect(status >= 400 && status < 500, `${request.kind}: ${status}`).toBe(true);
      }),
      { numRuns: propertyRuns(300) },
    );
  });

  it('any Range and If-Range on a stored file is 200 (the whole file), 206 (exactly the bytes its Content-Range names) or 416', { timeout: 300_000 }, async () => {
    const rangeHeader = fc.oneof(
      fc.string({ maxLength: 40 }).filter((s) => !/[\r\n]/.test(s)),
      fc.tuple(fc.option(fc.nat(2_000)), fc.option(fc.nat(2_000))).map(([a, b]) => `bytes=${a ?? ''}-${b ?? ''}`),
      fc.array(fc.tuple(fc.nat(1_200), fc.nat(1_200)), { minLength: 2, maxLength: 4 }).map((ranges) => `bytes=${ranges.map(([a, b]) => `${a}-${b}`).join(',')}`),
    );
    const ifRange = fc.option(fc.constantFrom('"1"', 'W/"1"', '"2"', new Date().toUTCString(), 'garbage', '"1", "2"'), { nil: undefined });
    await fc.assert(
      fc.asyncProperty(rangeHeader, ifRange, async (range, validator) => {
        tried += 1;
        const res = await sys.fetch('/v1/files/ranges/stored.bin', { headers: { range, ...(validator === undefined ? {} : { 'if-range': validator }) } });
        const bytes = Buffer.from(await res.arrayBuffer());
        expect([200, 206, 416], `${range} / ${validator}: ${res.status}`).toContain(res.status);
        if (res.status === 200) expect(bytes.equals(stored)).toBe(true);
        if (res.status === 206) {
          const m = /^bytes (\d+)-(\d+)\/1000$/.exec(res.headers.get('content-range') ?? '');
          expect(m, `Content-Range of ${range}`).not.toBeNull();
          const [from, to] = [Number(m?.[1]), Number(m?.[2])];
          expect(bytes.equals(stored.subarray(from, to + 1)), range).toBe(true);
        }
      }),
      { numRuns: propertyRuns(200) },
    );
  });

  it('after it all, no process restarted and nothing is stored: no revision, no object, no staged file, no prepared transaction', async () => {
    await expectNoRestartAndNothingStored(sys, before);
  });
});

describe('server limits of the gateway', () => {
  let gateway: CliProcess;
  let gatewayPort: number;

  beforeAll(async () => {
    gatewayPort = await freePort();
    gateway = new CliProcess(['gateway', '--listen', `127.0.0.1:${gatewayPort}`, '--coordinator', sys.coordinator, '--auth', 'none', '--headers-timeout-ms', '1000', '--connections-per-client', '4']);
    await gateway.waitForLine((l) => l.msg === 'HTTP gateway listening');
  }, 60_000);

  afterAll(async () => {
    gateway?.kill('SIGTERM');
    await gateway?.exited;
  });

  it('a client trickling its headers is cut off at the headers timeout, before it has sent them', { timeout: 60_000 }, async () => {
    const request = head('GET /v1/files/alice/slow.txt HTTP/1.1', [['host', 'g'], ['connection', 'close'], ['x-slow', 'a'.repeat(40)]]);
    // 80 bytes, one every 100 ms: 8 s to send, against a timeout of 1 s
    const parts = [...request.subarray(0, 80)].map((b) => Buffer.from([b]));
    const { statuses, closedByServer, text } = await rawExchange(gatewayPort, parts, { pauseMs: 100, waitMs: 20_000, halfClose: false });
    expect(closedByServer).toBe(true);
    expect(statuses, text).toEqual([408]);
  });

  it('a client address holding its maximum of connections has its next one closed at once', { timeout: 30_000 }, async () => {
    const open = (): Promise<Socket> =>
      new Promise((resolve, reject) => {
        const s = connect({ host: '127.0.0.1', port: gatewayPort }, () => resolve(s));
        s.on('error', reject);
      });
    const held = await Promise.all([open(), open(), open(), open()]);
    try {
      const fifth = await rawExchange(gatewayPort, [head('GET /healthz HTTP/1.1', [['host', 'g'], ['connection', 'close']])], { halfClose: false, waitMs: 5_000 });
      expect(fifth).toMatchObject({ statuses: [], closedByServer: true });
    } finally {
      for (const s of held) s.destroy();
    }
    await new Promise((r) => setTimeout(r, 200));
    const again = await rawExchange(gatewayPort, [head('GET /healthz HTTP/1.1', [['host', 'g'], ['connection', 'close'], ['connection', 'close']])], { halfClose: false });
    expect(again.statuses).toEqual([200]);
  });
});
