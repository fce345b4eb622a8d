import * as grpc from '@grpc/grpc-js';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DevSystem } from '../support/dev-system.js';
import { loadProto } from '../../proto/load-proto.js';
import { propertyRuns } from '../support/property-runs.js';
import { protobufWireMessage, putStreamKinds, type PutStreamKind } from './protobuf-wire.js';
import { TwoPhaseClient } from '../../sdk/index.js';
import { limits } from '../../lib/limits/limits.js';
import { expectNoRestartAndNothingStored, storedState, type StoredState } from './stored-state.js';

/**
 * Random and malformed protobuf messages, raw on the wire, against every method of every
 * twophase service of a whole system (`twophase dev`): each must be answered with a status
 * a client can act on (INVALID_ARGUMENT, NOT_FOUND, …; never INTERNAL, UNKNOWN, or no
 * answer), no process may restart, and nothing may be stored.
 */
let sys: DevSystem;
let before: StoredState;
const tried: Record<string, number> = {};

beforeAll(async () => {
  sys = await DevSystem.start();
  before = await storedState(sys);
}, 120_000);

afterAll(async () => {
  const total = Object.values(tried).reduce((a, b) => a + b, 0);
  console.info(`gRPC hostile input: ${total} calls (${Object.entries(tried).map(([path, n]) => `${path} ${n}`).join(', ')})`);
  await sys?.stop();
});

/** Statuses that say the server failed or hung rather than refused: a hostile input must never cause them. */
const serverFailures = new Set([grpc.status.INTERNAL, grpc.status.UNKNOWN, grpc.status.UNAVAILABLE, grpc.status.DEADLINE_EXCEEDED]);

const identity = (b: Buffer): Buffer => b;
const deadline = (): Date => new Date(Date.now() + 5_000);

/** Sends `messages` (raw protobuf bytes) to `path` as the method's kind requires; resolves with the status. */
function send(client: grpc.Client, method: grpc.MethodDefinition<unknown, unknown>, messages: readonly Buffer[]): Promise<grpc.StatusObject> {
  return new Promise((resolve) => {
    const first = messages[0] ?? Buffer.alloc(0);
    if (!method.requestStream && !method.responseStream) {
      client.makeUnaryRequest(method.path, identity, identity, first, { deadline: deadline() }, () => undefined).on('status', resolve);
      return;
    }
    if (!method.requestStream) {
      const call = client.makeServerStreamRequest(method.path, identity, identity, first, { deadline: deadline() });
      // a watch the server accepted stays open until its reader goes: its response headers say it stands; the reader then goes
      call.on('metadata', () => setTimeout(() => call.cancel(), 200));
      call.on('data', () => undefined);
      call.on('error', () => undefined);
      call.on('status', resolve);
      return;
    }
    const call = method.responseStream
      ? client.makeBidiStreamRequest(method.path, identity, identity, { deadline: deadline() })
      : client.makeClientStreamRequest(method.path, identity, identity, { deadline: deadline() }, () => undefined);
    call.on('status', resolve);
    call.on('error', () => undefined);
    if (method.responseStream) (call as grpc.ClientDuplexStream<Buffer, Buffer>).on('data', () => undefined);
    for (const m of messages) call.write(m);
    call.end();
  });
}

describe('hostile gRPC input (property-based, fast-check)', () => {
  const v1 = () => loadProto().twophase.v1;
  const services = (): [string, () => string, grpc.ServiceDefinition][] => [
    ['Coordinator', () => sys.coordinator, v1().Coordinator.service],
    ['Participant', () => sys.blob, v1().Participant.service],
    ['Participant', () => sys.metadata, v1().Participant.service],
    ['BlobStore', () => sys.blob, v1().BlobStore.service],
    ['Metadata', () => sys.metadata, v1().Metadata.service],
  ];

  it('every method answers random and malformed messages with a refusal, never INTERNAL, UNKNOWN or silence', { timeout: 600_000 }, async () => {
    for (const [name, address, definition] of services()) {
      const client = new grpc.Client(address(), grpc.credentials.createInsecure());
      try {
        for (const method of Object.values(definition)) {
          await fc.assert(
            fc.asyncProperty(fc.array(protobufWireMessage(), { minLength: 1, maxLength: method.requestStream ? 4 : 1 }), async (messages) => {
              tried[method.path] = (tried[method.path] ?? 0) + 1;
              const status = await send(client, method, messages);
              expect(serverFailures.has(status.code), `${method.path} at ${name} answered ${grpc.status[status.code]}: ${status.details}`).toBe(false);
            }),
            { numRuns: propertyRuns(25) },
          );
        }
      } finally {
        client.close();
      }
    }
  });

  it('a streamed Put out of order or contradicting itself (a chunk before the header, two headers, no message, bytes short of the size, a wrong SHA-256, an oversized chunk) is refused, for a tx that exists', { timeout: 300_000 }, async () => {
    const raw = new grpc.Client(sys.blob, grpc.credentials.createInsecure());
    const sdk = new TwoPhaseClient({ coordinator: sys.coordinator });
    const put = v1().BlobStore.service.Put as unknown as grpc.MethodDefinition<Record<string, unknown>, unknown>;
    const encode = (message: Record<string, unknown>): Buffer => put.requestSerialize(message);
    const messagesOf = (kind: PutStreamKind, txId: string, bytes: Buffer): Buffer[] => {
      const header = { header: { txId, expectedSha256: '', expectedSize: '-1' } };
      switch (kind) {
        case 'chunk-before-header':
          return [encode({ chunk: bytes }), encode(header), encode({ chunk: bytes })];
        case 'two-headers':
          return [encode(header), encode({ chunk: bytes }), encode(header)];
        case 'no-message':
          return [];
        case 'size-promised-not-sent':
          return [encode({ header: { txId, expectedSha256: '', expectedSize: String(bytes.length + 1) } }), encode({ chunk: bytes })];
        case 'wrong-sha256':
          return [encode({ header: { txId, expectedSha256: '0'.repeat(64), expectedSize: '-1' } }), encode({ chunk: bytes })];
        case 'bad-tx-id':
          return [encode({ header: { txId: `${txId}/../x`, expectedSha256: '', expectedSize: '-1' } }), encode({ chunk: bytes })];
        case 'oversized-chunk-after-header':
          return [encode(header), encode({ chunk: Buffer.alloc(limits.blobPutChunkBytesMax + 1) })];
      }
    };
    try {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...putStreamKinds), fc.uint8Array({ minLength: 1, maxLength: 4_096 }), async (kind, bytes) => {
          tried[`${put.path} (sequences)`] = (tried[`${put.path} (sequences)`] ?? 0) + 1;
          const tx = await sdk.begin();
          try {
            const status = await send(raw, put as grpc.MethodDefinition<unknown, unknown>, messagesOf(kind, tx.txId, Buffer.from(bytes)));
            expect(status.code, `${kind}: ${status.details}`).not.toBe(grpc.status.OK);
            expect(serverFailures.has(status.code), `${kind}: ${grpc.status[status.code]}: ${status.details}`).toBe(false);
          } finally {
            await tx.abort('hostile input test');
          }
        }),
        { numRuns: propertyRuns(60) },
      );
    } finally {
      raw.close();
      sdk.close();
    }
  });

  it('a valid WatchChanges on a namespace with no change is not silence: its response headers come at once, and it stays open until cancelled', async () => {
    const client = new grpc.Client(sys.metadata, grpc.credentials.createInsecure());
    const watch = v1().Metadata.service.WatchChanges as unknown as grpc.MethodDefinition<Record<string, unknown>, unknown>;
    try {
      const call = client.makeServerStreamRequest(watch.path, watch.requestSerialize, identity, { namespace: 'hostile-quiet', afterCursor: '0' }, { deadline: deadline() });
      let changes = 0;
      call.on('data', () => (changes += 1));
      call.on('error', () => undefined);
      const status = new Promise<grpc.StatusObject>((resolve) => call.on('status', resolve));
      await new Promise<void>((resolve) => call.on('metadata', () => resolve()));
      const early = await Promise.race([status.then(() => 'ended'), new Promise((r) => setTimeout(() => r('open'), 1_000))]);
      expect(early, 'the watch is still open a second after its headers').toBe('open');
      call.cancel();
      expect((await status).code).toBe(grpc.status.CANCELLED);
      expect(changes).toBe(0);
    } finally {
      client.close();
    }
  });

  it('after it all, no process restarted and nothing is stored: no revision, no object, no staged file, no prepared transaction', async () => {
    await expectNoRestartAndNothingStored(sys, before);
  });
});
