import { readFile } from 'node:fs/promises';
import { createPublicKey, type KeyObject } from 'node:crypto';
import type { JWTVerifyGetKey, JWTPayload } from 'jose';
import { z } from 'zod';
import { ConfigError } from '../lib/config/config-error.js';
import { limits } from '../lib/limits/limits.js';

/** How the gateway knows its users: `jwt` (bearer tokens) or `none` (everyone may do everything; for local use). */
export const authModes = ['jwt', 'none'] as const;
export type AuthMode = (typeof authModes)[number];

export interface UserAuthSettings {
  readonly auth: AuthMode;
  readonly jwtSecretFile?: string | undefined;
  readonly jwtPublicKeyFile?: string | undefined;
  readonly jwksFile?: string | undefined;
  readonly jwtIssuer?: string | undefined;
  readonly jwtAudience?: string | undefined;
}

/** What a request's bearer may do: read and write the namespaces named (`*`: every one). */
export interface Grants {
  readonly read: ReadonlySet<string>;
  readonly write: ReadonlySet<string>;
}

/** The request carries no bearer token, or one that does not verify: 401 with `WWW-Authenticate`. */
export class UnauthenticatedRequestError extends Error {
  override readonly name = 'UnauthenticatedRequestError';
  readonly code = 'UNAUTHENTICATED';
  constructor(
    message: string,
    /** The RFC 6750 error code: `invalid_token` for a token that does not verify; none when there is no token. */
    readonly bearerError?: 'invalid_token' | 'invalid_request',
  ) {
    super(message);
  }
}

/** The token verifies but does not grant this namespace: 403. */
export class ForbiddenNamespaceError extends Error {
  override readonly name = 'ForbiddenNamespaceError';
  readonly code = 'PERMISSION_DENIED';
}

/** The `namespaces` claim: `{ "read": ["alice"], "write": ["alice"] }`; `*` for every namespace. */
const namespacesClaim = z.strictObject({
  read: z.array(z.string()).max(limits.jwtNamespacesMax).default([]),
  write: z.array(z.string()).max(limits.jwtNamespacesMax).default([]),
});

/**
 * Verifies the bearer tokens of end users (DESIGN.md, Security model): a JWT signed with
 * HS256 (a shared secret), RS256 or ES256 (a PEM public key, or a local JWKS file), with an
 * `exp`, the issuer and audience when configured, and a `namespaces` claim. With `none`
 * every request may read and write every namespace.
 */
export class UserAuth {
  private constructor(
    readonly mode: AuthMode,
    private readonly verify: ((token: string) => Promise<JWTPayload>) | undefined,
  ) {}

  static async create(settings: UserAuthSettings): Promise<UserAuth> {
    const sources = (['jwtSecretFile', 'jwtPublicKeyFile', 'jwksFile'] as const).filter((k) => settings[k] !== undefined && settings[k] !== '');
    if (settings.auth === 'none') {
      if (sources.length > 0) throw new ConfigError(`--auth none, yet ${flagOf(sources[0] as string)} is given: say --auth jwt to check tokens, or drop it`, 'auth');
      return new UserAuth('none', undefined);
    }
    if (sources.length !== 1) {
      throw new ConfigError(
        sources.length === 0
          ? 'the gateway checks bearer tokens (--auth jwt): give the key to verify them with --jwt-secret-file (HS256), --jwt-public-key-file (RS256/ES256) or --jwks-file; or --auth none for local use, where anyone reaching the port may read and write every namespace'
          : `give one of ${sources.map(flagOf).join(', ')}, not ${sources.length}`,
        'auth',
      );
    }
    const source = sources[0] as 'jwtSecretFile' | 'jwtPublicKeyFile' | 'jwksFile';
    const file = settings[source] as string;
    let text: Buffer;
    try {
      text = await readFile(file);
    } catch (err) {
      throw new ConfigError(`invalid setting ${flagOf(source)}: cannot read ${file}: ${(err as Error).message}`, source);
    }
    // loaded only here: a gateway run with --auth none starts without it (start-up time is restart time)
    const { createLocalJWKSet, jwtVerify } = await import('jose');
    const options = {
      requiredClaims: ['exp'],
      clockTolerance: limits.jwtClockToleranceSeconds,
      ...(settings.jwtIssuer === undefined ? {} : { issuer: settings.jwtIssuer }),
      ...(settings.jwtAudience === undefined ? {} : { audience: settings.jwtAudience }),
    };
    if (source === 'jwtSecretFile') {
      const secret = Buffer.from(text.toString('utf8').replace(/\r?\n$/, ''), 'utf8');
      if (secret.length < limits.jwtSecretBytesMin) throw new ConfigError(`invalid setting --jwt-secret-file: the secret is ${secret.length} bytes; HS256 needs at least ${limits.jwtSecretBytesMin}`, source);
      return new UserAuth('jwt', async (token) => (await jwtVerify(token, secret, { ...options, algorithms: ['HS256'] })).payload);
    }
    if (source === 'jwtPublicKeyFile') {
      let key: KeyObject;
      try {
        key = createPublicKey(text);
      } catch (err) {
        throw new ConfigError(`invalid setting --jwt-public-key-file: ${file} is not a PEM public key: ${(err as Error).message}`, source);
      }
      const algorithm = key.asymmetricKeyType === 'rsa' ? 'RS256' : key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1' ? 'ES256' : undefined;
      if (algorithm === undefined) throw new ConfigError(`invalid setting --jwt-public-key-file: an RSA key (RS256) or a P-256 key (ES256) is needed, not ${key.asymmetricKeyType ?? 'this key'}`, source);
      return new UserAuth('jwt', async (token) => (await jwtVerify(token, key, { ...options, algorithms: [algorithm] })).payload);
    }
    let jwks: JWTVerifyGetKey;
    try {
      jwks = createLocalJWKSet(JSON.parse(text.toString('utf8')) as Parameters<typeof createLocalJWKSet>[0]);
    } catch (err) {
      throw new ConfigError(`invalid setting --jwks-file: ${file} is not a JSON Web Key Set: ${(err as Error).message}`, source);
    }
    return new UserAuth('jwt', async (token) => (await jwtVerify(token, jwks, { ...options, algorithms: ['RS256', 'ES256'] })).payload);
  }

  /** The grants of the request with this `Authorization` header; throws UnauthenticatedRequestError. */
  async grantsOf(authorization: string | undefined): Promise<Grants> {
    if (this.verify === undefined) return everything;
    if (authorization === undefined || authorization === '') throw new UnauthenticatedRequestError('this gateway needs a bearer token: Authorization: Bearer <JWT>');
    const m = /^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*) *$/i.exec(authorization);
    if (m === null) throw new UnauthenticatedRequestError('the Authorization header is not "Bearer <JWT>"', 'invalid_request');
    let payload: JWTPayload;
    try {
      payload = await this.verify(m[1] as string);
    } catch (err) {
      throw new UnauthenticatedRequestError(`the bearer token is not valid: ${whyInvalid(err)}`, 'invalid_token');
    }
    const claim = namespacesClaim.safeParse(payload.namespaces ?? {});
    if (!claim.success) throw new UnauthenticatedRequestError('the bearer token\'s "namespaces" claim is not {"read": [...], "write": [...]}', 'invalid_token');
    return { read: new Set(claim.data.read), write: new Set(claim.data.write) };
  }
}

const everything: Grants = { read: new Set(['*']), write: new Set(['*']) };

/** Whether the grants let the bearer `access` the namespace. */
export function mayAccess(grants: Grants, access: 'read' | 'write', namespace: string): boolean {
  const set = grants[access];
  return set.has('*') || set.has(namespace);
}

/** Why jose refused a token (by its error's `code`), in words that name no part of the token. */
function whyInvalid(err: unknown): string {
  const { code, claim, reason } = err as { code?: string; claim?: string; reason?: string };
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return 'it has expired';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      return `its "${claim ?? '?'}" claim is not accepted (${reason ?? 'invalid'})`;
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return 'its signature does not verify';
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return 'it is signed with an algorithm this gateway does not accept';
    case 'ERR_JWKS_NO_MATCHING_KEY':
      return 'no key of the key set matches it';
    default:
      return 'it is malformed';
  }
}

function flagOf(setting: string): string {
  return `--${setting.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}
