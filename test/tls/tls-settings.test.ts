import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProto } from '../../proto/load-proto.js';
import { devAccessPolicy, devCertificates, devIdentity, type DevCertificates } from '../../lib/tls/dev-certificates.js';
import { loadTlsMaterial, subjectAltNames } from '../../lib/tls/tls-material.js';
import { AccessPolicy } from '../../lib/tls/access-policy.js';
import { linkCallRoles, methodRoles } from '../../lib/tls/method-access.js';
import { loadTransportSecurity } from '../../lib/tls/transport-security.js';
import { ConfigError } from '../../lib/config/config-error.js';

let dir: string;
let certs: DevCertificates;
let other: DevCertificates;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'twophase-tls-'));
  certs = await devCertificates(join(dir, 'ours'), ['coordinator', 'blob']);
  other = await devCertificates(join(dir, 'other'), ['blob'], { subject: 'another CA' });
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const files = (c: DevCertificates, name: string, ca = c.ca) => ({ tlsCert: c.identities[name]?.cert, tlsKey: c.identities[name]?.key, tlsCa: ca });

describe('TLS settings', () => {
  it('reads a certificate, its key and the CA, and names its identities as the access policy does', async () => {
    const tls = await loadTlsMaterial(files(certs, 'blob'));
    expect(tls?.identities).toEqual([devIdentity('blob'), 'DNS:localhost', 'IP:127.0.0.1', 'IP:0:0:0:0:0:0:0:1']);
  });

  it('none of the three is plaintext; one or two of them is a ConfigError naming the missing flag', async () => {
    await expect(loadTlsMaterial({})).resolves.toBeUndefined();
    await expect(loadTlsMaterial({ tlsCert: certs.identities.blob?.cert })).rejects.toThrow(/--tls-key \(TWOPHASE_TLS_KEY\) is missing/);
  });

  it('refuses, at start, a key of another certificate, a file that is not PEM, and a certificate another CA issued', async () => {
    await expect(loadTlsMaterial({ ...files(certs, 'blob'), tlsKey: certs.identities.coordinator?.key })).rejects.toThrow(/--tls-key .* does not belong to the certificate/);
    const junk = join(dir, 'junk.pem');
    await writeFile(junk, 'not a certificate');
    await expect(loadTlsMaterial({ ...files(certs, 'blob'), tlsCert: junk })).rejects.toThrow(/--tls-cert .* is not a PEM certificate/);
    await expect(loadTlsMaterial(files(other, 'blob', certs.ca))).rejects.toThrow(/is not issued by a CA of --tls-ca/);
    await expect(loadTlsMaterial({ ...files(certs, 'blob'), tlsCa: join(dir, 'missing.pem') })).rejects.toBeInstanceOf(ConfigError);
  });

  it('refuses an expired certificate', async () => {
    const expiry = Date.parse(new X509Certificate(await readFile(certs.identities.blob?.cert as string)).validTo);
    await expect(loadTlsMaterial(files(certs, 'blob'), expiry + 1_000)).rejects.toThrow(/expired/);
  });

  it('a gRPC server with TLS needs an access policy; a policy without TLS is refused', async () => {
    await expect(loadTransportSecurity(files(certs, 'blob'), { server: true })).rejects.toThrow(/--access-policy/);
    await expect(loadTransportSecurity({ accessPolicy: join(dir, 'p.json') }, { server: true })).rejects.toThrow(/without TLS/);
    await expect(loadTransportSecurity(files(certs, 'blob'), { server: false })).resolves.toMatchObject({ tls: expect.anything() });
  });
});

describe('the access policy', () => {
  it('grants each identity its roles, and the participant ids it may enlist under', () => {
    const policy = AccessPolicy.fromObject(devAccessPolicy(['blob', 'metadata'], ['gateway']));
    const blob = policy.callerOf([devIdentity('blob'), 'DNS:localhost']);
    expect([...blob.roles]).toEqual(['participant']);
    expect([...blob.participantIds]).toEqual(['blob']);
    expect([...policy.callerOf([devIdentity('coordinator')]).roles]).toEqual(['coordinator']);
    expect([...policy.callerOf(['DNS:localhost']).roles]).toEqual([]);
  });

  it('refuses unknown keys, identities not written as a SAN, and bad participant ids', () => {
    expect(() => AccessPolicy.fromObject({ coordinators: [] })).toThrow(/--access-policy/);
    expect(() => AccessPolicy.fromObject({ clients: ['gateway'] })).toThrow(/subject alternative name/);
    expect(() => AccessPolicy.fromObject({ participants: { 'bad id!': ['DNS:x'] } })).toThrow(/participants/);
  });

  it('names every method of every service: a new RPC is closed until it is given its roles', () => {
    const v1 = loadProto().twophase.v1 as unknown as Record<string, { service?: Record<string, { path: string }> }>;
    const paths = Object.values(v1).flatMap((s) => (s.service === undefined ? [] : Object.values(s.service).map((m) => m.path)));
    expect(paths.length).toBeGreaterThan(25);
    for (const path of paths) expect(methodRoles[path], path).toBeDefined();
    for (const [path, calls] of Object.entries(linkCallRoles)) expect(Object.keys(calls).length, path).toBeGreaterThan(0);
  });
});

describe('subject alternative names as Node prints them', () => {
  it('splits entries, reads JSON-quoted values holding a comma, and spells IP addresses IP:', () => {
    expect(subjectAltNames('DNS:a.example, IP Address:10.0.0.1, URI:"spiffe://x/a,b", email:o@example.org')).toEqual(['DNS:a.example', 'IP:10.0.0.1', 'URI:spiffe://x/a,b', 'email:o@example.org']);
    expect(subjectAltNames(undefined)).toEqual([]);
  });
});
