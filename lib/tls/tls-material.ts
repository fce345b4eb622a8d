import { readFile } from 'node:fs/promises';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import { ConfigError } from '../config/config-error.js';
import type { SettingName } from '../config/parse-settings.js';

/** A process's certificate, its key, and the CA it trusts for its peers: the PEM files, read once at start. */
export interface TlsMaterial {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly ca: Buffer;
  /** The certificate's subject alternative names, as the access policy names identities (e.g. `URI:spiffe://…`). */
  readonly identities: readonly string[];
}

/** The three files, as given: all or none. */
export interface TlsFiles {
  readonly tlsCert?: string | undefined;
  readonly tlsKey?: string | undefined;
  readonly tlsCa?: string | undefined;
}

export const tlsSettingNames: Readonly<Record<keyof TlsFiles, SettingName>> = {
  tlsCert: { flag: '--tls-cert', env: 'TWOPHASE_TLS_CERT' },
  tlsKey: { flag: '--tls-key', env: 'TWOPHASE_TLS_KEY' },
  tlsCa: { flag: '--tls-ca', env: 'TWOPHASE_TLS_CA' },
};

/**
 * Reads and checks the PEM files of `--tls-cert/--tls-key/--tls-ca`: undefined when none is
 * given. Every problem a handshake would hit later is a ConfigError now, naming the flag:
 * one file given without the others, a file missing or not PEM, a key that is not the
 * certificate's, a certificate expired or not yet valid, or not issued by the CA.
 */
export async function loadTlsMaterial(files: TlsFiles, nowMs = Date.now()): Promise<TlsMaterial | undefined> {
  const given = (Object.keys(tlsSettingNames) as (keyof TlsFiles)[]).filter((k) => files[k] !== undefined && files[k] !== '');
  if (given.length === 0) return undefined;
  if (given.length < 3) {
    const missing = (Object.keys(tlsSettingNames) as (keyof TlsFiles)[]).filter((k) => !given.includes(k))[0] as keyof TlsFiles;
    const name = tlsSettingNames[missing];
    throw new ConfigError(`TLS needs a certificate, its key and the CA of the peers: ${name.flag} (${name.env}) is missing`, missing);
  }
  const [cert, key, ca] = await Promise.all([read(files, 'tlsCert'), read(files, 'tlsKey'), read(files, 'tlsCa')]);
  const leaf = parse(cert, 'tlsCert');
  const authorities = splitPem(ca).map((pem) => parse(Buffer.from(pem), 'tlsCa'));
  if (authorities.length === 0) throw problem('tlsCa', 'holds no PEM certificate');
  try {
    createPrivateKey(key);
  } catch (err) {
    throw problem('tlsKey', `is not a PEM private key (${(err as Error).message})`);
  }
  try {
    createSecureContext({ cert, key, ca });
  } catch (err) {
    throw problem('tlsKey', `does not belong to the certificate of ${tlsSettingNames.tlsCert.flag} (${(err as Error).message})`);
  }
  if (Date.parse(leaf.validTo) < nowMs) throw problem('tlsCert', `expired on ${leaf.validTo}`);
  if (Date.parse(leaf.validFrom) > nowMs) throw problem('tlsCert', `is not valid before ${leaf.validFrom}`);
  const chain = splitPem(cert).map((pem) => parse(Buffer.from(pem), 'tlsCert'));
  if (!chain.some((c) => authorities.some((a) => c.checkIssued(a) && c.verify(a.publicKey)))) {
    throw problem('tlsCert', `is not issued by a CA of ${tlsSettingNames.tlsCa.flag}: peers that trust that CA would refuse it`);
  }
  return { cert, key, ca, identities: subjectAltNames(leaf.subjectAltName) };
}

async function read(files: TlsFiles, setting: keyof TlsFiles): Promise<Buffer> {
  try {
    return await readFile(files[setting] as string);
  } catch (err) {
    throw problem(setting, `cannot be read: ${(err as Error).message}`);
  }
}

function parse(pem: Buffer, setting: keyof TlsFiles): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch (err) {
    throw problem(setting, `is not a PEM certificate (${(err as Error).message})`);
  }
}

function problem(setting: keyof TlsFiles, what: string): ConfigError {
  const name = tlsSettingNames[setting];
  return new ConfigError(`invalid setting ${name.flag} (${name.env}): the file ${what}`, setting);
}

function splitPem(text: Buffer): string[] {
  return text.toString('utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

/**
 * Node's `subjectaltname` text (`DNS:a, IP Address:127.0.0.1, URI:spiffe://x`; a value
 * holding a comma or a quote is JSON-quoted) as entries `DNS:a`, `IP:127.0.0.1`, `URI:…`.
 */
export function subjectAltNames(text: string | undefined): string[] {
  if (text === undefined || text === '') return [];
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    const colon = text.indexOf(':', i);
    if (colon < 0) break;
    const kind = text.slice(i, colon).trim();
    let j = colon + 1;
    let value: string;
    if (text[j] === '"') {
      let k = j + 1;
      while (k < text.length && text[k] !== '"') k += text[k] === '\\' ? 2 : 1;
      value = JSON.parse(text.slice(j, k + 1)) as string;
      j = k + 1;
    } else {
      const comma = text.indexOf(', ', j);
      const end = comma < 0 ? text.length : comma;
      value = text.slice(j, end);
      j = end;
    }
    out.push(`${kind === 'IP Address' ? 'IP' : kind}:${value}`);
    i = text.indexOf(', ', j) < 0 ? text.length : text.indexOf(', ', j) + 2;
  }
  return out;
}
