import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, SignJWT, type CryptoKey, type KeyObject } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mayAccess, UnauthenticatedRequestError, UserAuth } from '../../gateway/user-auth.js';
import { ConfigError } from '../../lib/config/config-error.js';

let dir: string;
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const otherEc = generateKeyPairSync('ec', { namedCurve: 'P-256' });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'twophase-user-auth-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const file = async (name: string, content: string): Promise<string> => {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
};
const sign = (alg: string, key: KeyObject | CryptoKey | Uint8Array, claims: Record<string, unknown> = { namespaces: { read: ['alice'], write: ['alice'] } }, kid?: string): Promise<string> =>
  new SignJWT(claims)
    .setProtectedHeader({ alg, ...(kid === undefined ? {} : { kid }) })
    .setExpirationTime('5m')
    .sign(key);

describe('bearer tokens, by each key source', () => {
  it('RS256 and ES256 with a PEM public key: the right key verifies, another key or algorithm is refused', async () => {
    const rsaAuth = await UserAuth.create({ auth: 'jwt', jwtPublicKeyFile: await file('rsa.pem', rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string) });
    const grants = await rsaAuth.grantsOf(`Bearer ${await sign('RS256', rsa.privateKey)}`);
    expect(mayAccess(grants, 'write', 'alice')).toBe(true);
    expect(mayAccess(grants, 'write', 'bob')).toBe(false);
    // an HS256 token "signed" with the public key's text: the classic confusion, refused by the algorithm list
    await expect(rsaAuth.grantsOf(`Bearer ${await sign('HS256', Buffer.from(rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string))}`)).rejects.toThrow(/algorithm/);

    const ecAuth = await UserAuth.create({ auth: 'jwt', jwtPublicKeyFile: await file('ec.pem', ec.publicKey.export({ type: 'spki', format: 'pem' }) as string) });
    await expect(ecAuth.grantsOf(`Bearer ${await sign('ES256', ec.privateKey)}`)).resolves.toBeDefined();
    await expect(ecAuth.grantsOf(`Bearer ${await sign('ES256', otherEc.privateKey)}`)).rejects.toThrow(/signature does not verify/);
  });

  it('a JWKS file: the key its kid names verifies; a kid it lacks is refused', async () => {
    const jwk = { ...(await exportJWK(ec.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    const auth = await UserAuth.create({ auth: 'jwt', jwksFile: await file('jwks.json', JSON.stringify({ keys: [jwk] })) });
    await expect(auth.grantsOf(`Bearer ${await sign('ES256', ec.privateKey, undefined, 'k1')}`)).resolves.toBeDefined();
    await expect(auth.grantsOf(`Bearer ${await sign('ES256', otherEc.privateKey, undefined, 'k2')}`)).rejects.toThrow(/no key of the key set/);
  });

  it('issuer and audience when configured; a namespaces claim of another shape is invalid', async () => {
    const secret = 'a shared secret of at least thirty-two bytes';
    const auth = await UserAuth.create({ auth: 'jwt', jwtSecretFile: await file('secret', `${secret}\n`), jwtIssuer: 'https://id.example', jwtAudience: 'twophase' });
    const key = Buffer.from(secret);
    const good = await new SignJWT({ namespaces: { read: ['*'] } }).setProtectedHeader({ alg: 'HS256' }).setIssuer('https://id.example').setAudience('twophase').setExpirationTime('5m').sign(key);
    expect(mayAccess(await auth.grantsOf(`Bearer ${good}`), 'read', 'anything')).toBe(true);
    const wrongAudience = await new SignJWT({ namespaces: { read: ['*'] } }).setProtectedHeader({ alg: 'HS256' }).setIssuer('https://id.example').setAudience('other').setExpirationTime('5m').sign(key);
    await expect(auth.grantsOf(`Bearer ${wrongAudience}`)).rejects.toThrow(/"aud" claim/);
    const badShape = await new SignJWT({ namespaces: ['alice'] }).setProtectedHeader({ alg: 'HS256' }).setIssuer('https://id.example').setAudience('twophase').setExpirationTime('5m').sign(key);
    await expect(auth.grantsOf(`Bearer ${badShape}`)).rejects.toBeInstanceOf(UnauthenticatedRequestError);
  });

  it('refuses at start: no key source, two of them, a short secret, a key of another kind, and a key with --auth none', async () => {
    await expect(UserAuth.create({ auth: 'jwt' })).rejects.toThrow(/--jwt-secret-file .* --auth none/);
    const secret = await file('s2', 'x'.repeat(40));
    const jwks = await file('j2', '{"keys": []}');
    await expect(UserAuth.create({ auth: 'jwt', jwtSecretFile: secret, jwksFile: jwks })).rejects.toThrow(/give one of/);
    await expect(UserAuth.create({ auth: 'jwt', jwtSecretFile: await file('short', 'short') })).rejects.toThrow(/at least 32/);
    const ed = generateKeyPairSync('ed25519');
    await expect(UserAuth.create({ auth: 'jwt', jwtPublicKeyFile: await file('ed.pem', ed.publicKey.export({ type: 'spki', format: 'pem' }) as string) })).rejects.toThrow(/RSA key .* or a P-256 key/);
    await expect(UserAuth.create({ auth: 'none', jwtSecretFile: secret })).rejects.toBeInstanceOf(ConfigError);
  });
});
