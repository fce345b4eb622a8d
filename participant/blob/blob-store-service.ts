import type * as grpc from '@grpc/grpc-js';
import { assert } from '../../lib/assert/assert.js';
import type { GrpcServiceBinding } from '../../lib/grpc/grpc-server.js';
import { serviceError } from '../../lib/grpc/service-error.js';
import { linkHandler, type LinkMethod } from '../../lib/grpc-link/link-server.js';
import { limits } from '../../lib/limits/limits.js';
import type { Logger } from '../../lib/logger/logger.js';
import { txIdProblem } from '../../lib/tx-id/tx-id.js';
import type { BlobStoreHandlers } from '../../proto/gen/twophase/v1/BlobStore.js';
import type { GetRequest__Output } from '../../proto/gen/twophase/v1/GetRequest.js';
import type { GetResponse } from '../../proto/gen/twophase/v1/GetResponse.js';
import type { PutRequest__Output } from '../../proto/gen/twophase/v1/PutRequest.js';
import type { PutResponse } from '../../proto/gen/twophase/v1/PutResponse.js';
import type { PutWholeRequest__Output } from '../../proto/gen/twophase/v1/PutWholeRequest.js';
import { loadProto } from '../../proto/load-proto.js';
import { LimitExceededError } from '../participant-errors.js';
import type { BranchWork } from '../resource-manager.js';
import { isExpectedFailure, toServiceError } from '../to-service-error.js';
import { isSha256Hex } from './is-sha256-hex.js';
import { chunksAfterHeader, InFlight, limitQueuedMessages, stallGuarded } from './stream-guards.js';
import { inSpan, SpanKind, tracingOn } from '../../lib/tracing/tracing.js';
import { traceparentOf } from '../../lib/grpc/trace-metadata.js';
import type { BlobStore, ByteRange, PutExpectation, PutResult } from './blob-store.js';

type PutCall = grpc.ServerReadableStream<PutRequest__Output, PutResponse>;
type GetCall = grpc.ServerWritableStream<GetRequest__Output, GetResponse>;

export interface BlobStoreServiceOptions {
  /** Default `limits.blobPutsInFlightMax`. */
  readonly putsInFlightMax?: number;
  /** Default `limits.blobGetsInFlightMax`. */
  readonly getsInFlightMax?: number;
  /**
   * A Put that receives no message for this long ends with DEADLINE_EXCEEDED, and its
   * staged bytes are dropped. Default `limits.blobPutStallMsDefault`.
   */
  readonly putStallMs?: number;
  /**
   * The largest object a Put may declare or send, refused (RESOURCE_EXHAUSTED, limit
   * scope `request`: the same Put can never pass) before the store sees more of it.
   * Default `limits.blobObjectBytesMax`, the store's own default.
   */
  readonly objectBytesMax?: number;
}

/**
 * The twophase.v1.BlobStore service over a local blob store. Put and Get stream in both
 * directions with backpressure, so memory stays constant whatever an object's size: Put
 * pulls the next message only once the previous chunk is on disk, and Get waits for
 * 'drain' whenever the call's buffer is full. Each call still buffers a few MiB, so the
 * number of calls at once is bounded too (RESOURCE_EXHAUSTED past it; clients retry).
 */
export function blobStoreService(
  store: BlobStore,
  work: BranchWork,
  logger: Logger,
  options: BlobStoreServiceOptions = {},
): GrpcServiceBinding {
  const log = logger.child({ service: 'twophase.v1.BlobStore' });
  const failure = (err: unknown, call: string): grpc.ServiceError => {
    if (!isExpectedFailure(err)) log.error({ err, call }, 'blob store call failed unexpectedly');
    return toServiceError(err);
  };
  const puts = new InFlight('Put', options.putsInFlightMax ?? limits.blobPutsInFlightMax);
  const gets = new InFlight('Get', options.getsInFlightMax ?? limits.blobGetsInFlightMax);
  const putStallMs = options.putStallMs ?? limits.blobPutStallMsDefault;
  assert(Number.isSafeInteger(putStallMs) && putStallMs > 0, `putStallMs ${putStallMs} is a positive whole number`);
  const objectBytesMax = options.objectBytesMax ?? limits.blobObjectBytesMax;
  assert(Number.isSafeInteger(objectBytesMax) && objectBytesMax > 0, `objectBytesMax ${objectBytesMax} is a positive whole number`);

  const wholePuts = new InFlight('whole Put', limits.blobWholePutsInFlightMax);
  /** A small object in one Link message: validated as Put's header and chunks are, then put as one chunk. */
  const putWhole = async (req: PutWholeRequest__Output): Promise<PutResponse> => {
    const header = req.header;
    if (header === null || header === undefined) throw serviceError('INVALID_ARGUMENT', 'a whole put carries the header');
    const problem = txIdProblem(header.txId);
    if (problem !== undefined) throw serviceError('INVALID_ARGUMENT', problem);
    const expected = putExpectation(header.expectedSha256, header.expectedSize, objectBytesMax);
    if (req.content.length > limits.blobWholePutBytesMax) {
      throw serviceError('INVALID_ARGUMENT', `a whole put of ${req.content.length} bytes is over the limit of ${limits.blobWholePutBytesMax}; stream it with Put`);
    }
    if (req.content.length > objectBytesMax) throw objectTooLarge(req.content.length, objectBytesMax);
    const result = await wholePuts.run(() => work.run(header.txId, () => store.put(header.txId, oneChunk(req.content), expected)));
    return { sha256: result.sha256, size: String(result.size) };
  };
  const link = linkHandler(
    {
      put: ((req: PutWholeRequest__Output) =>
        putWhole(req).catch((err: unknown) => {
          throw failure(err, 'Put');
        })) as LinkMethod,
    },
    (err) => log.error({ err }, 'blob link call failed unexpectedly'),
  );

  const handlers: BlobStoreHandlers = {
    Link: link.handle as unknown as BlobStoreHandlers['Link'],
    Put: (call, callback) => {
      // a streamed Put is not on a Link: its trace context comes in the call's metadata
      const receive = (): Promise<PutResult> => puts.run(() => receivePut(call, store, work, putStallMs, objectBytesMax));
      (tracingOn() ? inSpan('serve Put', { kind: SpanKind.SERVER, parent: traceparentOf(call.metadata), attributes: { 'rpc.method': 'Put' } }, receive) : receive()).then(
        (result) => callback(null, { sha256: result.sha256, size: String(result.size) }),
        (err: unknown) => callback(failure(err, 'Put')),
      );
    },
    Get: (call) => {
      const send = (): Promise<void> => gets.run(() => sendObject(call, store));
      (tracingOn() ? inSpan('serve Get', { kind: SpanKind.SERVER, parent: traceparentOf(call.metadata), attributes: { 'rpc.method': 'Get' } }, send) : send()).then(
        () => call.end(),
        (err: unknown) => {
          // a cancelled call has no one to tell
          if (call.cancelled) return;
          call.emit('error', failure(err, 'Get'));
        },
      );
    },
    Stat: (call, callback) => {
      store.stat(call.request.sha256).then(
        ({ size }) => callback(null, { size: String(size) }),
        (err: unknown) => callback(failure(err, 'Stat')),
      );
    },
  };
  return {
    name: 'twophase.v1.BlobStore',
    definition: loadProto().twophase.v1.BlobStore.service,
    implementation: handlers as unknown as grpc.UntypedServiceImplementation,
    onShutdown: link.close,
  };
}

async function receivePut(
  call: PutCall,
  store: BlobStore,
  work: BranchWork,
  stallMs: number,
  objectBytesMax: number,
): Promise<{ sha256: string; size: number }> {
  limitQueuedMessages(call);
  // destroyOnReturn false: the call is answered through its callback, and destroying its
  // stream when the iteration ends would build (and format the stack of) an AbortError per Put
  const messages = stallGuarded(call.iterator({ destroyOnReturn: false }) as AsyncIterator<PutRequest__Output>, stallMs);
  const first = await messages.next();
  const header = first.done === true ? undefined : first.value.header;
  if (first.done === true || first.value.part !== 'header' || header === undefined || header === null) {
    throw serviceError('INVALID_ARGUMENT', 'the first message of Put must carry the header');
  }
  const txId = header.txId;
  const problem = txIdProblem(txId);
  if (problem !== undefined) throw serviceError('INVALID_ARGUMENT', problem);
  const expected = putExpectation(header.expectedSha256, header.expectedSize, objectBytesMax);
  try {
    const result = await work.run(txId, () => store.put(txId, chunksOf(call, messages, objectBytesMax), expected));
    // a cancelled call may end its stream early without an error: never answer for a cut-short object
    if (call.cancelled) throw serviceError('CANCELLED', 'Put was cancelled');
    return result;
  } catch (err) {
    // the stream of a cancelled call fails with a bare stream error; say what happened instead
    if (call.cancelled) throw serviceError('CANCELLED', 'Put was cancelled');
    throw err;
  }
}

/**
 * The chunks after the header (chunksAfterHeader), failing as soon as they pass the object
 * size limit: the store then drops the object.
 */
function chunksOf(call: PutCall, messages: AsyncIterator<PutRequest__Output>, objectBytesMax: number): AsyncGenerator<Uint8Array> {
  let received = 0;
  return chunksAfterHeader(call, messages, 'Put', (chunk) => {
    received += chunk.length;
    if (received > objectBytesMax) throw objectTooLarge(received, objectBytesMax);
  });
}


async function* oneChunk(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

/** An object over the size limit: no retry of the same Put can pass (limit scope `request`). */
function objectTooLarge(bytes: number, objectBytesMax: number): LimitExceededError {
  return new LimitExceededError(`an object of at least ${bytes} bytes is over the limit of ${objectBytesMax}`, { scope: 'request' });
}

function putExpectation(sha256: string, size: string, objectBytesMax: number): PutExpectation {
  if (sha256 !== '' && !isSha256Hex(sha256)) {
    throw serviceError('INVALID_ARGUMENT', `expected_sha256 ${JSON.stringify(sha256.slice(0, 80))} is not 64 lower-case hex digits (or empty)`);
  }
  const expectedSize = int64(size, 'expected_size');
  if (expectedSize < -1) throw serviceError('INVALID_ARGUMENT', `expected_size ${size} is neither a byte count nor -1`);
  if (expectedSize > objectBytesMax) throw objectTooLarge(expectedSize, objectBytesMax);
  return {
    ...(sha256 === '' ? {} : { sha256 }),
    ...(expectedSize === -1 ? {} : { size: expectedSize }),
  };
}

async function sendObject(call: GetCall, store: BlobStore): Promise<void> {
  const read = await store.get(call.request.sha256, byteRange(call.request));
  try {
    for await (const chunk of read.chunks as AsyncIterable<Buffer>) {
      if (call.cancelled || call.destroyed) throw serviceError('CANCELLED', 'Get was cancelled');
      if (!call.write({ chunk })) await drained(call);
    }
  } finally {
    read.chunks.destroy();
  }
}

/** The proto's range: length -1, or 0 with offset 0, means to the end. */
function byteRange(request: GetRequest__Output): ByteRange {
  const offset = int64(request.offset, 'offset');
  const length = int64(request.length, 'length');
  if (offset < 0) throw serviceError('INVALID_ARGUMENT', `offset ${offset} is negative`);
  if (length < -1) throw serviceError('INVALID_ARGUMENT', `length ${length} is neither a byte count nor -1`);
  const toEnd = length === -1 || (length === 0 && offset === 0);
  return toEnd ? { offset } : { offset, length };
}

function int64(value: string, field: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw serviceError('INVALID_ARGUMENT', `${field} ${value} is out of range`);
  return n;
}

/** Resolves when the call can take more; rejects when it ends first, so a gone client frees the file. */
function drained(call: GetCall): Promise<void> {
  return new Promise((resolve, reject) => {
    // 'close' may be long past: a destroyed call never drains
    if (call.destroyed) {
      reject(serviceError('CANCELLED', 'Get ended before the object was sent'));
      return;
    }
    const settle = (err?: Error): void => {
      call.off('drain', onDrain);
      call.off('close', onClose);
      call.off('error', onClose);
      if (err === undefined) resolve();
      else reject(err);
    };
    const onDrain = (): void => settle();
    const onClose = (): void => settle(serviceError('CANCELLED', 'Get ended before the object was sent'));
    call.on('drain', onDrain);
    call.on('close', onClose);
    call.on('error', onClose);
  });
}
