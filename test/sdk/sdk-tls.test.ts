import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGrpcServer, type RunningGrpcServer } from '../../lib/grpc/grpc-server.js';
import { linkHandler } from '../../lib/grpc-link/link-server.js';
import { silentLogger } from '../../lib/logger/logger.js';
import { devAccessPolicy, devCertificates } from '../../lib/tls/dev-certificates.js';
import { AccessPolicy } from '../../lib/tls/access-policy.js';
import { loadTlsMaterial, type TlsMaterial } from '../../lib/tls/tls-material.js';
import { loadProto } from '../../proto/load-proto.js';
import { InvalidArgumentError, TwoPhaseClient } from '../../sdk/index.js';

let dir: string;
let server: RunningGrpcServer;
let client: TlsMaterial;
const seen: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'twophase-sdk-tls-'));
  const certs = await devCertificates(dir, ['coordinator', 'client']);
  const files = (name: string) => ({ tlsCert: certs.identities[name]?.cert, tlsKey: certs.identities[name]?.key, tlsCa: certs.ca });
  const tls = (await loadTlsMaterial(files('coordinator'))) as TlsMaterial;
  client = (await loadTlsMaterial(files('client'))) as TlsMaterial;
  // a coordinator that answers Begin on its Link, and notes the x-api-key its caller sent
  const link = linkHandler({ begin: async () => ({ txId: 'a'.repeat(21), deadlineUnixMs: String(Date.now() + 60_000) }) }, () => undefined);
  server = await startGrpcServer(
    '127.0.0.1:0',
    [
      {
        name: 'twophase.v1.Coordinator',
        definition: loadProto().twophase.v1.Coordinator.service,
        implementation: {
          Link: (call: grpc.ServerDuplexStream<never, object>) => {
            seen.push(String(call.metadata.get('x-api-key')[0] ?? ''));
            link.handle(call as never);
          },
        } as unknown as grpc.UntypedServiceImplementation,
        onShutdown: link.close,
      },
    ],
    silentLogger(),
    { tls, policy: AccessPolicy.fromObject(devAccessPolicy([], ['client'])) },
  );
}, 60_000);

afterAll(async () => {
  await server?.shutdown(0);
  await rm(dir, { recursive: true, force: true });
});

describe('the SDK over TLS', () => {
  const participants = { blob: '127.0.0.1:1', metadata: '127.0.0.1:1' };

  it('sends its callCredentials with its calls, over mutual TLS', async () => {
    const callCredentials = grpc.credentials.createFromMetadataGenerator((_params, done) => {
      const metadata = new grpc.Metadata();
      metadata.set('x-api-key', 'k-123');
      done(null, metadata);
    });
    const sdk = new TwoPhaseClient({ coordinator: `127.0.0.1:${server.port}`, participants, tls: { ca: client.ca, cert: client.cert, key: client.key }, callCredentials });
    try {
      const tx = await sdk.begin();
      expect(tx.txId).toBe('a'.repeat(21));
      expect(seen).toContain('k-123');
    } finally {
      sdk.close();
    }
  });

  it('refuses callCredentials without tls: gRPC never sends them in plaintext', () => {
    const callCredentials = grpc.credentials.createFromMetadataGenerator((_params, done) => done(null, new grpc.Metadata()));
    expect(() => new TwoPhaseClient({ coordinator: '127.0.0.1:1', callCredentials })).toThrow(InvalidArgumentError);
  });
});
