import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest, RawServerDefault } from 'fastify';
import type { Logger } from '../lib/logger/logger.js';
import { ChecksumMismatchError, InvalidArgumentError, type AppendChecksum, type FinishedUpload, type ResumableUpload, type TwoPhaseClient } from '../sdk/index.js';
import { parseConditions, type Conditions } from './parse-conditions.js';
import { UploadTooLargeError } from './upload-too-large-error.js';
import { fileTarget, header } from './request-target.js';

/** The tus protocol version served, and the extensions (https://tus.io/protocols/resumable-upload). */
export const tusVersion = '1.0.0';
const tusExtensions = 'creation,termination,checksum,expiration';
const tusChecksumAlgorithms: Readonly<Record<string, AppendChecksum['algorithm']>> = { sha1: 'sha1', sha256: 'sha256', md5: 'md5' };
const offsetContentType = 'application/offset+octet-stream';

type App = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, Logger>;

export interface TusRouteOptions {
  readonly client: TwoPhaseClient;
  readonly maxUploadBytes: number;
  readonly authorize: (request: FastifyRequest, access: 'read' | 'write', namespace: string) => Promise<void>;
  /** The If-Match / If-None-Match a write with these conditions is made with (resolved against the current revision when they need it). */
  readonly writeCondition: (namespace: string, path: string, conditions: Conditions) => Promise<{ ifMatch?: number; ifNoneMatch?: boolean }>;
}

/** A tus request of another protocol version: 412 with the versions served. */
class TusVersionError extends Error {
  override readonly name = 'TusVersionError';
}

/** A PATCH's bytes do not have the checksum of its Upload-Checksum: tus's 460. */
class TusChecksumError extends Error {
  override readonly name = 'TusChecksumError';
}

/** A PATCH body of another type than application/offset+octet-stream: 415. */
class TusContentTypeError extends Error {
  override readonly name = 'TusContentTypeError';
}

/**
 * Resumable uploads over the tus 1.0 protocol (core, creation, termination, checksum,
 * expiration) under `/v1/uploads`. The bytes wait in an upload session at the blob
 * participant, so an upload survives a restart of the gateway (any gateway can take it
 * up: it holds no state); when the last byte is in, one tx commits the file with the
 * If-Match / If-None-Match given at creation, and the answer carries its ETag.
 */
export function registerTusRoutes(app: App, options: TusRouteOptions): void {
  const { client, maxUploadBytes, authorize } = options;

  // every answer under /v1/uploads says which protocol it speaks; every request but OPTIONS must speak it
  app.addHook('onRequest', (request, reply, done) => {
    if (!request.url.startsWith('/v1/uploads')) return done();
    void reply.header('tus-resumable', tusVersion);
    const asked = header(request, 'tus-resumable');
    if (request.method !== 'OPTIONS' && asked !== tusVersion) {
      return done(new TusVersionError(asked === undefined ? 'a tus request carries Tus-Resumable: 1.0.0' : `tus version ${asked.slice(0, 20)} is not served; this server speaks ${tusVersion}`));
    }
    done();
  });

  const discovery = async (_request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> =>
    reply
      .code(204)
      .header('tus-version', tusVersion)
      .header('tus-extension', tusExtensions)
      .header('tus-max-size', String(maxUploadBytes))
      .header('tus-checksum-algorithm', Object.keys(tusChecksumAlgorithms).join(','))
      .send();
  app.options('/v1/uploads', discovery);
  app.options('/v1/uploads/:id', discovery);

  app.post('/v1/uploads', async (request, reply) => {
    if (header(request, 'upload-defer-length') !== undefined) throw new InvalidArgumentError('Upload-Defer-Length is not supported: give Upload-Length');
    const length = byteCount(header(request, 'upload-length'), 'Upload-Length');
    if (length > maxUploadBytes) throw new UploadTooLargeError(maxUploadBytes);
    const rawMetadata = header(request, 'upload-metadata') ?? '';
    const metadata = parseUploadMetadata(rawMetadata);
    const rawNamespace = metadata.get('namespace');
    const rawPath = metadata.get('path') ?? metadata.get('filename');
    if (rawNamespace === undefined || rawPath === undefined) throw new InvalidArgumentError('Upload-Metadata names the file: namespace and path (or filename), each base64');
    const { namespace, path } = fileTarget(rawNamespace, rawPath);
    await authorize(request, 'write', namespace);
    const conditions = await options.writeCondition(namespace, path, parseConditions(request.headers));
    const sha256 = metadata.get('sha256') ?? header(request, 'x-content-sha256');
    const upload = await client.uploads.create({
      namespace,
      path,
      length,
      contentType: metadata.get('contentType') ?? metadata.get('filetype') ?? 'application/octet-stream',
      ...conditions,
      ...(sha256 === undefined ? {} : { sha256: sha256.toLowerCase() }),
      metadata: rawMetadata,
    });
    void reply.code(201).header('location', `/v1/uploads/${upload.id}`).header('upload-expires', upload.expiresAt.toUTCString());
    // nothing to send: committed at once
    if (length === 0) {
      const finished = await client.uploads.finish(upload.id).catch(async (err: unknown) => {
        await client.uploads.delete(upload.id).catch(() => undefined);
        throw err;
      });
      committedHeaders(reply, finished);
    }
    return reply.send();
  });

  app.head<{ Params: { id: string } }>('/v1/uploads/:id', async (request, reply) => {
    let upload = await client.uploads.get(request.params.id);
    await authorize(request, 'write', upload.namespace);
    void reply.header('cache-control', 'no-store');
    // all the bytes are in: the offset says "done" to a client only once the file is committed
    if (upload.offset === upload.length) {
      const finished = await client.uploads.finish(upload.id);
      committedHeaders(reply, finished);
      upload = finished.upload;
    }
    uploadHeaders(reply, upload);
    return reply.code(200).send();
  });

  app.patch<{ Params: { id: string } }>('/v1/uploads/:id', async (request, reply) => {
    const contentType = header(request, 'content-type')?.split(';', 1)[0]?.trim().toLowerCase();
    if (contentType !== offsetContentType) throw new TusContentTypeError(`a PATCH of an upload carries Content-Type: ${offsetContentType}`);
    const offset = byteCount(header(request, 'upload-offset'), 'Upload-Offset');
    const checksum = checksumOf(header(request, 'upload-checksum'));
    let upload = await client.uploads.get(request.params.id);
    await authorize(request, 'write', upload.namespace);
    const declared = header(request, 'content-length');
    if (declared !== undefined && offset + Number(declared) > upload.length) {
      throw new InvalidArgumentError(`${declared} bytes at offset ${offset} pass the upload's length of ${upload.length}`);
    }
    if (upload.phase === 'receiving' || offset !== upload.offset) {
      try {
        upload = await client.uploads.append(upload.id, offset, request.raw, checksum);
      } catch (err) {
        if (checksum !== undefined && err instanceof ChecksumMismatchError) throw new TusChecksumError(err.message);
        throw err;
      }
    }
    if (upload.offset === upload.length) {
      const finished = await client.uploads.finish(upload.id);
      committedHeaders(reply, finished);
      upload = finished.upload;
    }
    return reply.code(204).header('upload-offset', String(upload.offset)).header('upload-expires', upload.expiresAt.toUTCString()).send();
  });

  app.delete<{ Params: { id: string } }>('/v1/uploads/:id', async (request, reply) => {
    const upload = await client.uploads.get(request.params.id);
    await authorize(request, 'write', upload.namespace);
    await client.uploads.delete(upload.id);
    return reply.code(204).send();
  });
}

/** The status of a tus-specific failure, or undefined for one the gateway maps as usual. */
export function tusStatusOf(err: unknown): number | undefined {
  if (err instanceof TusVersionError) return 412;
  if (err instanceof TusChecksumError) return 460;
  if (err instanceof TusContentTypeError) return 415;
  return undefined;
}

/** Headers of a tus error answer (412 names the versions served). */
export function tusErrorHeaders(err: unknown, reply: FastifyReply): void {
  if (err instanceof TusVersionError) void reply.header('tus-version', tusVersion);
}

function uploadHeaders(reply: FastifyReply, upload: ResumableUpload): void {
  void reply.header('upload-offset', String(upload.offset)).header('upload-length', String(upload.length)).header('upload-expires', upload.expiresAt.toUTCString());
  if (upload.metadata !== '') void reply.header('upload-metadata', upload.metadata);
}

function committedHeaders(reply: FastifyReply, finished: FinishedUpload): void {
  void reply.header('etag', `"${finished.file.revision}"`).header('x-twophase-revision', String(finished.file.revision)).header('x-content-sha256', finished.file.sha256);
}

/**
 * tus `Upload-Metadata`: comma-separated pairs of a key and its value in base64, or a key
 * alone (empty value). Keys are unique; values are decoded as UTF-8.
 */
export function parseUploadMetadata(text: string): Map<string, string> {
  const out = new Map<string, string>();
  if (text.trim() === '') return out;
  for (const pair of text.split(',')) {
    const [key, value, ...rest] = pair.trim().split(' ');
    if (key === undefined || key === '' || rest.length > 0 || !/^[\x21-\x7e]+$/.test(key)) throw new InvalidArgumentError(`Upload-Metadata pair ${JSON.stringify(pair.slice(0, 60))} is not "key base64value"`);
    if (value !== undefined && !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) throw new InvalidArgumentError(`the value of ${key} in Upload-Metadata is not base64`);
    if (out.has(key)) throw new InvalidArgumentError(`Upload-Metadata gives ${key} twice`);
    out.set(key, value === undefined ? '' : Buffer.from(value, 'base64').toString('utf8'));
  }
  return out;
}

function checksumOf(text: string | undefined): AppendChecksum | undefined {
  if (text === undefined) return undefined;
  const [name, digest] = text.trim().split(/\s+/);
  const algorithm = tusChecksumAlgorithms[(name ?? '').toLowerCase()];
  // tus: an algorithm the server does not support is 400
  if (algorithm === undefined) throw new InvalidArgumentError(`Upload-Checksum algorithm ${JSON.stringify((name ?? '').slice(0, 20))} is not one of ${Object.keys(tusChecksumAlgorithms).join(', ')}`);
  if (digest === undefined || !/^[A-Za-z0-9+/]+={0,2}$/.test(digest)) throw new InvalidArgumentError('Upload-Checksum is "algorithm base64digest"');
  return { algorithm, digest: Buffer.from(digest, 'base64') };
}

function byteCount(text: string | undefined, name: string): number {
  const n = Number(text);
  if (text === undefined || !/^\d+$/.test(text) || !Number.isSafeInteger(n)) throw new InvalidArgumentError(`${name} must be a whole number of bytes`);
  return n;
}
