import type { IncomingMessage, ServerResponse } from 'node:http';
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest, type RawServerDefault } from 'fastify';
import { httpRequestDuration, httpRequests } from './gateway-metrics.js';
import type { Span } from '@opentelemetry/api';
import { startServerSpan, withContext } from '../lib/tracing/tracing.js';
import type { Logger } from '../lib/logger/logger.js';
import { InvalidArgumentError, NotFoundError, PreconditionFailedError, TransactionAbortedError, OutcomeUnknownError, type FileRevision, type TwoPhaseClient } from '../sdk/index.js';
import { httpStatusOf } from './http-status-of.js';
import { evaluateRead, evaluateWrite, needsCurrentRevision, parseConditions, rangeApplies, revisionOf, singleRevision, type Conditions, type Validators } from './parse-conditions.js';
import { parseRange } from './parse-range.js';
import { UploadTooLargeError } from './upload-too-large-error.js';
import { limits } from '../lib/limits/limits.js';
import { ForbiddenNamespaceError, mayAccess, UnauthenticatedRequestError, type UserAuth } from './user-auth.js';
import { limitConnectionsPerClient } from './connections-per-client.js';
import { writeWithBackpressure } from '../lib/stream/write-with-backpressure.js';
import { registerTusRoutes, tusErrorHeaders, tusStatusOf } from './tus-routes.js';
import { fileTarget, header, validNamespace } from './request-target.js';

export interface GatewayOptions {
  readonly client: TwoPhaseClient;
  readonly logger: Logger;
  /** Largest upload accepted; a bigger body is refused with 413 and nothing is stored. */
  readonly maxUploadBytes: number;
  /** Who may read and write which namespace: bearer JWTs, or nobody checked (`none`). */
  readonly auth: UserAuth;
  /** Serve HTTPS with this certificate and key; HTTP without. */
  readonly https?: { readonly cert: Buffer; readonly key: Buffer };
  /** Server limits; by default those of limits.ts. */
  readonly headersTimeoutMs?: number;
  readonly idleTimeoutMs?: number;
  readonly connectionsPerClient?: number;
}

interface FileParams {
  namespace: string;
  '*': string;
}

/**
 * The HTTP front door: PUT/GET/HEAD/DELETE /v1/files/{namespace}/{path}. Bodies stream
 * through (never buffered whole, but for a small one of declared length); ETags are revisions; writes are atomic transactions.
 */
export function buildGateway(options: GatewayOptions): FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, Logger> {
  const { client, maxUploadBytes, auth } = options;
  // a client trickling headers is cut off; a body trickling is too, once the connection idles
  // (no whole-request timeout: a large upload takes as long as it takes while bytes flow)
  const serverLimits = {
    headersTimeout: options.headersTimeoutMs ?? limits.gatewayHeadersTimeoutMs,
    requestTimeout: 0,
    maxHeaderSize: limits.gatewayHeaderBytesMax,
    connectionsCheckingInterval: limits.gatewayTimeoutCheckIntervalMs,
  };
  // no per-request log lines: the gateway logs what goes wrong, and metrics count the rest
  const app = Fastify({
    loggerInstance: options.logger,
    exposeHeadRoutes: false,
    bodyLimit: maxUploadBytes,
    connectionTimeout: options.idleTimeoutMs ?? limits.gatewayIdleTimeoutMs,
    logController: new LogController({ disableRequestLogging: true }),
    ...(options.https === undefined ? { http: serverLimits } : { https: { ...serverLimits, cert: options.https.cert, key: options.https.key } }),
  }) as unknown as FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, Logger>;
  limitConnectionsPerClient(app.server, options.connectionsPerClient ?? limits.gatewayConnectionsPerClientMax);
  /** Throws unless the request's bearer may `access` the namespace: 401 without a valid token, 403 without the grant. */
  const authorize = async (request: FastifyRequest, access: 'read' | 'write', namespace: string): Promise<void> => {
    const grants = await auth.grantsOf(header(request, 'authorization'));
    if (!mayAccess(grants, access, namespace)) throw new ForbiddenNamespaceError(`this token may not ${access} namespace ${namespace}`);
  };
  // with tracing on, a server span per request (its traceparent header, if any, is the parent), and the SDK's spans under it
  const spans = new WeakMap<FastifyRequest, Span>();
  app.addHook('onRequest', (request, _reply, done) => {
    const started = startServerSpan(`${request.method} ${request.routeOptions.url ?? 'unmatched'}`, request.headers, { 'http.request.method': request.method, 'url.path': request.url.split('?', 1)[0] ?? '' });
    if (started === undefined) return done();
    spans.set(request, started.span);
    withContext(started.context, done);
  });
  app.addHook('onResponse', (request, reply, done) => {
    const span = spans.get(request);
    if (span !== undefined) {
      span.setAttribute('http.response.status_code', reply.statusCode);
      span.end();
    }
    const route = request.routeOptions.url ?? 'unmatched';
    httpRequests.labels(route, request.method, String(reply.statusCode)).inc();
    httpRequestDuration.labels(route, request.method).observe(reply.elapsedTime / 1000);
    done();
  });
  // uploads are read from the raw request as a stream: no parser may buffer them
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));

  app.setErrorHandler((err, request, reply) => sendError(request, reply, err));

  app.put<{ Params: FileParams }>('/v1/files/:namespace/*', async (request, reply) => {
    const { namespace, path } = target(request.params);
    await authorize(request, 'write', namespace);
    const conditions = await writeCondition(namespace, path, parseConditions(request.headers));
    const declared = request.headers['content-length'];
    if (declared !== undefined && Number(declared) > maxUploadBytes) throw new UploadTooLargeError(maxUploadBytes);
    const contentType = request.headers['content-type'] ?? 'application/octet-stream';
    const expectedSha256 = header(request, 'x-content-sha256');
    const result = await client.uploadFile({
      namespace,
      path,
      // a small body with its length declared is read first and sent whole over the blob
      // participant's Link, as the SDK sends bytes in memory; a larger one streams through
      content: declared !== undefined && Number(declared) <= limits.blobWholePutBytesMax ? await wholeBody(request.raw, maxUploadBytes) : limited(request.raw, maxUploadBytes),
      contentType: contentType.slice(0, limits.contentTypeLengthMax),
      ...conditions,
      ...(expectedSha256 === undefined ? {} : { expectedSha256: expectedSha256.toLowerCase() }),
      // a body shorter or longer than declared is refused by the blob participant, and with
      // X-Content-SHA256 too the revision is staged while the bytes travel
      ...(declared === undefined ? {} : { expectedSize: Number(declared) }),
    });
    void reply.code(result.created ? 201 : 200).header('etag', etagOf(result.revision));
    if (result.pendingParticipants.length > 0) void reply.header('x-twophase-pending', result.pendingParticipants.join(','));
    return { namespace, path, revision: result.revision, size: result.size, sha256: result.sha256, txId: result.txId };
  });

  app.get<{ Params: FileParams; Querystring: Record<string, string | undefined> }>('/v1/files/:namespace/*', async (request, reply) => {
    const { namespace, path } = target(request.params);
    await authorize(request, 'read', namespace);
    if (request.query.revisions !== undefined) {
      const page = await client.listRevisions({ namespace, path, pageSize: pageSizeOf(request.query.pageSize), pageToken: request.query.pageToken ?? '' });
      if (page.revisions.length === 0) throw new NotFoundError(`${namespace}/${path} has no revisions`);
      return { namespace, path, revisions: page.revisions.map(revisionJson), nextPageToken: page.nextPageToken };
    }
    const revision = request.query.revision === undefined ? undefined : revisionOf(request.query.revision, 'revision');
    const file = await client.stat({ namespace, path, ...(revision === undefined ? {} : { revision }) });
    const conditions = parseConditions(request.headers);
    const verdict = evaluateRead(conditions, validatorsOf(file));
    if (verdict !== 'proceed') return preconditionAnswer(reply, verdict, file);
    const range = rangeApplies(conditions, validatorsOf(file)) ? parseRange(header(request, 'range'), file.size) : ({ kind: 'none' } as const);
    if (range.kind === 'unsatisfiable') {
      return reply.code(416).header('content-range', `bytes */${file.size}`).send({ error: { code: 'RANGE_NOT_SATISFIABLE', message: 'the range is outside the file' } });
    }
    fileHeaders(reply, file);
    if (range.kind === 'range') {
      const { body } = await client.download({ namespace, path, revision: file.revision, offset: range.offset, length: range.length });
      return reply
        .code(206)
        .header('content-range', `bytes ${range.offset}-${range.offset + range.length - 1}/${file.size}`)
        .header('content-length', String(range.length))
        .send(body);
    }
    const { body } = await client.download({ namespace, path, revision: file.revision });
    return reply.header('content-length', String(file.size)).send(body);
  });

  app.head<{ Params: FileParams; Querystring: Record<string, string | undefined> }>('/v1/files/:namespace/*', async (request, reply) => {
    const { namespace, path } = target(request.params);
    await authorize(request, 'read', namespace);
    const revision = request.query.revision === undefined ? undefined : revisionOf(request.query.revision, 'revision');
    const file = await client.stat({ namespace, path, ...(revision === undefined ? {} : { revision }) });
    const verdict = evaluateRead(parseConditions(request.headers), validatorsOf(file));
    if (verdict !== 'proceed') return preconditionAnswer(reply, verdict, file);
    fileHeaders(reply, file);
    return reply.header('content-length', String(file.size)).send();
  });

  app.delete<{ Params: FileParams }>('/v1/files/:namespace/*', async (request, reply) => {
    const { namespace, path } = target(request.params);
    await authorize(request, 'write', namespace);
    const conditions = parseConditions(request.headers);
    // a DELETE of no file is 404 whatever its preconditions (RFC 9110 §13.2.1): only a current revision is evaluated
    const { ifMatch } = needsCurrentRevision(conditions) || conditions.ifNoneMatch !== undefined ? await deleteCondition(namespace, path, conditions) : { ifMatch: singleRevision(conditions.ifMatch) };
    const result = await client.deleteFile({ namespace, path, ...(ifMatch === undefined ? {} : { ifMatch }) });
    void reply.header('etag', etagOf(result.revision));
    if (result.pendingParticipants.length > 0) void reply.header('x-twophase-pending', result.pendingParticipants.join(','));
    return { namespace, path, revision: result.revision, deleted: true, txId: result.txId };
  });

  // POST /v1/files/{ns}/{path}:move (or :copy) with {"destination": {"namespace", "path"}}:
  // one tx over the source's and the destination's metadata shards; If-Match conditions
  // the source, destinationIfMatch / destinationIfNoneMatch the destination
  app.post<{ Params: FileParams }>('/v1/files/:namespace/*', async (request, reply) => {
    const raw = request.params['*'];
    const action = /:(move|copy)$/.exec(raw)?.[1] as 'move' | 'copy' | undefined;
    if (action === undefined) throw new InvalidArgumentError('POST on a file is :move or :copy, e.g. POST /v1/files/alice/a.txt:move with {"destination": {"namespace": "bob", "path": "a.txt"}}');
    const from = target({ namespace: request.params.namespace, '*': raw.slice(0, -`:${action}`.length) });
    const body = moveBodyOf(await wholeBody(request.raw, limits.gatewayMoveBodyBytesMax).catch((err: unknown) => {
      throw err instanceof UploadTooLargeError ? new InvalidArgumentError(`the body of :${action} is at most ${limits.gatewayMoveBodyBytesMax} bytes`) : err;
    }));
    const to = target({ namespace: body.destination.namespace, '*': body.destination.path });
    await authorize(request, action === 'move' ? 'write' : 'read', from.namespace);
    await authorize(request, 'write', to.namespace);
    const conditions = parseConditions(request.headers);
    if (needsCurrentRevision(conditions) || conditions.ifNoneMatch !== undefined) throw new InvalidArgumentError(`:${action} takes one strong If-Match of the source's revision, or none`);
    const ifMatch = singleRevision(conditions.ifMatch);
    const req = {
      from: { ...from, ...(ifMatch === undefined ? {} : { ifMatch }) },
      to: { ...to, ...(body.destinationIfMatch === undefined ? {} : { ifMatch: body.destinationIfMatch }), ...(body.destinationIfNoneMatch === true ? { ifNoneMatch: true } : {}) },
    };
    const result = action === 'move' ? await client.moveFile(req) : await client.copyFile(req);
    void reply.code(result.to.created ? 201 : 200).header('etag', etagOf(result.to.revision));
    if (result.pendingParticipants.length > 0) void reply.header('x-twophase-pending', result.pendingParticipants.join(','));
    return { from: result.from, to: result.to, sha256: result.sha256, size: result.size, txId: result.txId };
  });

  app.get<{ Params: { namespace: string }; Querystring: Record<string, string | undefined> }>('/v1/files/:namespace', async (request) => {
    const namespace = validNamespace(request.params.namespace);
    await authorize(request, 'read', namespace);
    const page = await client.listFiles({ namespace, prefix: request.query.prefix ?? '', pageSize: pageSizeOf(request.query.pageSize), pageToken: request.query.pageToken ?? '' });
    return { namespace, files: page.files.map(revisionJson), nextPageToken: page.nextPageToken };
  });

  // the change feed: a long poll (JSON), or a stream of server-sent events. Each open one
  // ends when its client goes away, and all of them when the gateway stops.
  const openFeeds = new Set<AbortController>();
  app.addHook('preClose', (done) => {
    for (const feed of openFeeds) feed.abort();
    done();
  });
  const idleTimeoutMs = options.idleTimeoutMs ?? limits.gatewayIdleTimeoutMs;
  app.get<{ Params: { namespace: string }; Querystring: Record<string, string | undefined> }>('/v1/changes/:namespace', async (request, reply) => {
    const ended = new AbortController();
    const end = (): void => ended.abort();
    request.raw.on('close', end);
    reply.raw.on('close', end);
    if (request.raw.destroyed) end();
    openFeeds.add(ended);
    try {
      const namespace = validNamespace(request.params.namespace);
      await authorize(request, 'read', namespace);
      // a reconnecting EventSource sends its last id with the URL it first used: the id wins
      const after = cursorOf(header(request, 'last-event-id') ?? request.query.cursor ?? '0');
      if ((header(request, 'accept') ?? '').includes('text/event-stream')) {
        reply.hijack();
        reply.raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
        reply.raw.write(": the change feed of this namespace; each event's id is its cursor (send it back as Last-Event-ID to resume)\n\n");
        // a comment line well within the idle timeout keeps a quiet stream open
        const heartbeat = setInterval(() => reply.raw.write(': heartbeat\n\n'), Math.min(limits.gatewayEventStreamHeartbeatMs, Math.floor(idleTimeoutMs / 2)));
        try {
          for await (const change of client.watchChanges({ namespace, afterCursor: after, signal: ended.signal })) {
            await writeWithBackpressure(reply.raw, `id: ${change.cursor}\nevent: change\ndata: ${JSON.stringify(changeJson(change))}\n\n`, ended.signal);
            if (ended.signal.aborted) break;
          }
        } catch (err) {
          // the stream has begun: a failure ends it with an event the reader can act on (reconnect with its last id)
          if (!ended.signal.aborted) reply.raw.write(`event: error\ndata: ${JSON.stringify({ message: err instanceof Error ? err.message : String(err) })}\n\n`);
        } finally {
          clearInterval(heartbeat);
          reply.raw.end();
        }
        return reply;
      }
      // answered before the idle timeout would cut the connection
      const waitMs = Math.min(waitOf(request.query.wait), Math.max(0, idleTimeoutMs - limits.gatewayLongPollIdleMarginMs));
      const limit = request.query.limit === undefined ? limits.gatewayChangesPageDefault : pageSizeOf(request.query.limit);
      const changes = await longPoll(client, namespace, after, waitMs, limit, ended.signal);
      return { namespace, changes: changes.map(changeJson), cursor: changes.at(-1)?.cursor ?? after };
    } finally {
      openFeeds.delete(ended);
    }
  });

  // a tx's outcome only to who may read the namespace it wrote: with a token for every
  // namespace, any tx; otherwise only a committed one (the revision it wrote names its
  // namespace), and every other answer is the same 404, which tells nothing of other users
  app.get<{ Params: { txId: string } }>('/v1/transactions/:txId', async (request) => {
    const { txId } = request.params;
    const grants = await auth.grantsOf(header(request, 'authorization'));
    if (grants.read.has('*')) return { txId, ...(await client.getOutcome(txId)) };
    const revision = await client.transactionRevision(txId).catch((err: unknown) => {
      if (err instanceof NotFoundError) return undefined;
      throw err;
    });
    if (revision === undefined || !mayAccess(grants, 'read', revision.namespace)) {
      throw new NotFoundError(`no committed transaction ${txId} in a namespace this token may read (an aborted or undecided one is shown only to a token for every namespace)`);
    }
    return { txId, ...(await client.getOutcome(txId)), namespace: revision.namespace, path: revision.path, revision: revision.revision };
  });

  /**
   * A write's preconditions as the atomic condition the metadata participant checks: one
   * strong ETag or `If-None-Match: *` directly; any other form (a list, `*`, a weak tag, a
   * date) is evaluated against the current revision, which the write then requires to be
   * still current, so a write racing it makes this one 412 rather than skip the check.
   */
  const writeCondition = async (namespace: string, path: string, conditions: Conditions): Promise<{ ifMatch?: number; ifNoneMatch?: boolean }> => {
    if (!needsCurrentRevision(conditions)) {
      const ifMatch = singleRevision(conditions.ifMatch);
      return { ...(ifMatch === undefined ? {} : { ifMatch }), ...(conditions.ifNoneMatch === '*' ? { ifNoneMatch: true } : {}) };
    }
    const current = await currentRevision(namespace, path);
    if (!evaluateWrite(conditions, current === undefined ? undefined : validatorsOf(current))) {
      throw new PreconditionFailedError(`the preconditions are false for ${current === undefined ? 'a file that does not exist' : `revision ${current.revision}`}`, current?.revision ?? 0);
    }
    return current === undefined ? { ifNoneMatch: true } : { ifMatch: current.revision };
  };
  const deleteCondition = async (namespace: string, path: string, conditions: Conditions): Promise<{ ifMatch?: number }> => {
    const current = await client.stat({ namespace, path });
    if (!evaluateWrite(conditions, validatorsOf(current))) throw new PreconditionFailedError(`the preconditions are false for revision ${current.revision}`, current.revision);
    return { ifMatch: current.revision };
  };
  const currentRevision = (namespace: string, path: string): Promise<FileRevision | undefined> =>
    client.stat({ namespace, path }).catch((err: unknown) => {
      if (err instanceof NotFoundError) return undefined;
      throw err;
    });

  registerTusRoutes(app, { client, maxUploadBytes, authorize, writeCondition });

  // liveness: the process answers; readiness: the coordinator and both participants answer SERVING
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const { ready, services } = await client.health();
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', services });
  });
  return app;
}

function target(params: FileParams): { namespace: string; path: string } {
  return fileTarget(params.namespace, params['*']);
}

/** The JSON body of :move / :copy: a destination and its optional conditions. */
function moveBodyOf(bytes: Uint8Array): { destination: { namespace: string; path: string }; destinationIfMatch?: number; destinationIfNoneMatch?: boolean } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw new InvalidArgumentError('the body must be JSON: {"destination": {"namespace": "…", "path": "…"}}');
  }
  const b = parsed as { destination?: { namespace?: unknown; path?: unknown }; destinationIfMatch?: unknown; destinationIfNoneMatch?: unknown } | null;
  if (b === null || typeof b !== 'object' || typeof b.destination?.namespace !== 'string' || typeof b.destination.path !== 'string') {
    throw new InvalidArgumentError('the body must name {"destination": {"namespace": "…", "path": "…"}}');
  }
  const ifMatch = b.destinationIfMatch;
  if (ifMatch !== undefined && (typeof ifMatch !== 'number' || !Number.isInteger(ifMatch) || ifMatch < 1)) throw new InvalidArgumentError('destinationIfMatch must be a revision, a whole number ≥ 1');
  if (b.destinationIfNoneMatch !== undefined && typeof b.destinationIfNoneMatch !== 'boolean') throw new InvalidArgumentError('destinationIfNoneMatch must be true or false');
  if (ifMatch !== undefined && b.destinationIfNoneMatch === true) throw new InvalidArgumentError('destinationIfMatch and destinationIfNoneMatch exclude each other');
  return {
    destination: { namespace: b.destination.namespace, path: b.destination.path },
    ...(ifMatch === undefined ? {} : { destinationIfMatch: ifMatch as number }),
    ...(b.destinationIfNoneMatch === undefined ? {} : { destinationIfNoneMatch: b.destinationIfNoneMatch }),
  };
}

/**
 * The changes after `after`: those there are now (ListChanges), or else the first to come
 * within `waitMs` (WatchChanges), with those that follow it within
 * `limits.gatewayChangesGatherMs` (up to `limit`).
 */
async function longPoll(client: TwoPhaseClient, namespace: string, after: number, waitMs: number, limit: number, ended: AbortSignal): Promise<{ cursor: number; revision: FileRevision }[]> {
  const now = await client.listChanges({ namespace, afterCursor: after, limit });
  if (now.length > 0 || waitMs === 0) return now;
  const stop = new AbortController();
  const onEnded = (): void => stop.abort();
  ended.addEventListener('abort', onEnded);
  const out: { cursor: number; revision: FileRevision }[] = [];
  // nothing yet: give up at the wait; once one came: gather a little longer, then answer
  let timer = setTimeout(() => stop.abort(), waitMs);
  try {
    for await (const change of client.watchChanges({ namespace, afterCursor: after, signal: stop.signal })) {
      out.push(change);
      if (out.length >= limit) break;
      if (out.length === 1) {
        clearTimeout(timer);
        timer = setTimeout(() => stop.abort(), limits.gatewayChangesGatherMs);
      }
    }
  } finally {
    clearTimeout(timer);
    ended.removeEventListener('abort', onEnded);
    stop.abort();
  }
  return out;
}

function changeJson(change: { cursor: number; revision: FileRevision }): Record<string, unknown> {
  return { cursor: change.cursor, namespace: change.revision.namespace, ...revisionJson(change.revision) };
}

function cursorOf(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n)) throw new InvalidArgumentError(`cursor must be a whole number ≥ 0 (the last one handled; 0 from the start), not ${JSON.stringify(text.slice(0, 40))}`);
  return n;
}

/** `wait=30s`, `500ms`, `2m` or seconds; 0 (the default) answers at once. */
function waitOf(text: string | undefined): number {
  if (text === undefined) return 0;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text);
  const ms = m === null ? NaN : Number(m[1]) * (m[2] === 'ms' ? 1 : m[2] === 'm' ? 60_000 : 1_000);
  if (!Number.isFinite(ms) || ms > limits.gatewayChangesWaitMsMax) throw new InvalidArgumentError(`wait must be a duration of at most ${limits.gatewayChangesWaitMsMax / 1000}s, e.g. 30s or 500ms`);
  return Math.round(ms);
}

/** The request body, failing with UploadTooLargeError as soon as it passes `max` bytes. */
async function* limited(body: IncomingMessage, max: number): AsyncIterable<Uint8Array> {
  let total = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > max) throw new UploadTooLargeError(max);
    yield chunk;
  }
}

/** The whole request body, for one whose declared length is small (at most `max` bytes all the same). */
async function wholeBody(body: IncomingMessage, max: number): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of limited(body, max)) chunks.push(chunk as Buffer);
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
}

function etagOf(revision: number): string {
  return `"${revision}"`;
}

function validatorsOf(file: FileRevision): Validators {
  return { revision: file.revision, lastModifiedMs: file.createdAt.getTime() };
}

/** 304 with the validators, or 412 naming the current revision, for a read whose preconditions say so. */
function preconditionAnswer(reply: FastifyReply, verdict: 'not-modified' | 'precondition-failed', file: FileRevision): FastifyReply {
  if (verdict === 'not-modified') return reply.code(304).header('etag', etagOf(file.revision)).header('last-modified', file.createdAt.toUTCString()).send();
  return reply.code(412).send({ error: { code: 'FAILED_PRECONDITION', message: `the preconditions are false for revision ${file.revision}`, currentRevision: file.revision } });
}

function fileHeaders(reply: FastifyReply, file: FileRevision): void {
  void reply
    .header('etag', etagOf(file.revision))
    .header('content-type', file.contentType === '' ? 'application/octet-stream' : file.contentType)
    .header('last-modified', file.createdAt.toUTCString())
    .header('accept-ranges', 'bytes')
    .header('x-content-sha256', file.sha256);
}

function pageSizeOf(text: string | undefined): number {
  if (text === undefined) return 0;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > limits.pageSizeMax) throw new InvalidArgumentError(`pageSize must be a whole number from 1 to ${limits.pageSizeMax}`);
  return n;
}

function revisionJson(r: FileRevision): Record<string, unknown> {
  return {
    revision: r.revision,
    path: r.path,
    size: r.size,
    sha256: r.sha256,
    contentType: r.contentType,
    created: r.createdAt.toISOString(),
    deleted: r.deleted,
    txId: r.txId,
  };
}

function sendError(request: FastifyRequest, reply: FastifyReply, err: unknown): FastifyReply {
  if (err instanceof UnauthenticatedRequestError) {
    // RFC 6750 §3: the challenge, and why a token was refused; the token itself is never echoed
    const challenge = err.bearerError === undefined ? 'Bearer realm="twophase"' : `Bearer realm="twophase", error="${err.bearerError}", error_description="${err.message.replace(/["\\]/g, '')}"`;
    return reply.code(401).header('www-authenticate', challenge).send({ error: { code: err.code, message: err.message } });
  }
  if (err instanceof ForbiddenNamespaceError) return reply.code(403).send({ error: { code: err.code, message: err.message } });
  const tusStatus = tusStatusOf(err);
  if (tusStatus !== undefined) {
    tusErrorHeaders(err, reply);
    return reply.code(tusStatus).send({ error: { code: (err as Error).name, message: (err as Error).message } });
  }
  const fastifyStatus = (err as { statusCode?: number }).statusCode;
  const { status, retryable } =
    fastifyStatus !== undefined && fastifyStatus >= 400 && fastifyStatus < 500 ? { status: fastifyStatus, retryable: false } : httpStatusOf(err);
  const message = err instanceof Error ? err.message : String(err);
  if (status >= 500) request.log.warn({ err, status }, 'request failed');
  if (retryable && status >= 500) void reply.header('retry-after', '1');
  const body: Record<string, unknown> = { code: (err as { code?: string }).code ?? 'ERROR', message };
  if (err instanceof PreconditionFailedError) body.currentRevision = err.currentRevision;
  if (err instanceof TransactionAbortedError || err instanceof OutcomeUnknownError) body.txId = err.txId;
  if (err instanceof TransactionAbortedError) body.abortCause = err.abortCause;
  return reply.code(status).send({ error: body });
}
