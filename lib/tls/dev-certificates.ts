import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, writeFile, chmod } from 'node:fs/promises';
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { limits } from '../limits/limits.js';
import type { AccessPolicyFile } from './access-policy.js';

const run = promisify(execFile);

/** The trust domain of the identities `twophase dev --tls` issues: `URI:spiffe://twophase.dev/<name>`. */
export const devTrustDomain = 'twophase.dev';

/** How `devCertificates` makes its certificates. */
export interface CertificateOptions {
  /** The CA's subject CN. */
  readonly subject?: string;
  /** Identities are `URI:spiffe://<trustDomain>/<name>`. */
  readonly trustDomain?: string;
  /** Also give each certificate the DNS name of its own name (a compose service reaches `coordinator` by that name). */
  readonly dnsOfName?: boolean;
  readonly days?: number;
  /** Keep the files made earlier while they stay valid for another day (dev); false makes new ones. */
  readonly reuse?: boolean;
}

/** The PEM files of one identity. */
export interface DevIdentityFiles {
  readonly cert: string;
  readonly key: string;
}

export interface DevCertificates {
  readonly dir: string;
  /** The CA every process trusts. */
  readonly ca: string;
  readonly identities: Readonly<Record<string, DevIdentityFiles>>;
}

/** The SAN the access policy names an identity by: `URI:spiffe://<trust domain>/<name>`. */
export function devIdentity(name: string, trustDomain = devTrustDomain): string {
  return `URI:spiffe://${trustDomain}/${name}`;
}

/**
 * A CA and a certificate per name, made with the system's openssl into `dir` (mode 700;
 * keys mode 600): EC P-256, each certificate valid for the names localhost and 127.0.0.1
 * (and, with `dnsOfName`, its own name), for client and server use, its identity
 * `URI:spiffe://<trust domain>/<name>`. Files made earlier are kept while they stay valid
 * for another day and cover every name, so clients holding them keep working across runs.
 */
export async function devCertificates(dir: string, names: readonly string[], options: CertificateOptions = {}): Promise<DevCertificates> {
  const { subject = 'twophase dev CA', trustDomain = devTrustDomain, dnsOfName = false, days: validDays = limits.devCertificateDays } = options;
  const out: DevCertificates = {
    dir,
    ca: join(dir, 'ca.crt'),
    identities: Object.fromEntries(names.map((name) => [name, { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) }])),
  };
  if (options.reuse !== false && (await stillValid(out))) return out;
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const days = String(validDays);
  const caKey = join(dir, 'ca.key');
  await openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', caKey, '-out', out.ca, '-days', days, '-subj', `/CN=${subject}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  for (const name of names) {
    const files = out.identities[name] as DevIdentityFiles;
    const csr = join(dir, `${name}.csr`);
    const ext = join(dir, `${name}.ext`);
    await openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', files.key, '-out', csr, '-subj', `/CN=twophase ${name}`]);
    await writeFile(
      ext,
      [
        'basicConstraints=critical,CA:FALSE',
        'keyUsage=critical,digitalSignature',
        'extendedKeyUsage=serverAuth,clientAuth',
        `subjectAltName=${devIdentity(name, trustDomain)},${dnsOfName ? `DNS:${name},` : ''}DNS:localhost,IP:127.0.0.1,IP:::1`,
        '',
      ].join('\n'),
    );
    await openssl(['x509', '-req', '-in', csr, '-CA', out.ca, '-CAkey', caKey, '-CAcreateserial', '-days', days, '-out', files.cert, '-extfile', ext]);
    await rm(csr);
    await rm(ext);
    await chmod(files.key, 0o600);
  }
  await chmod(caKey, 0o600);
  return out;
}

/** The access policy of a dev deployment: each role the identity of the same name. */
export function devAccessPolicy(participants: readonly string[], clients: readonly string[], trustDomain = devTrustDomain): AccessPolicyFile {
  const id = (name: string): string => devIdentity(name, trustDomain);
  return {
    coordinator: [id('coordinator')],
    participants: Object.fromEntries(participants.map((p) => [p, [id(p)]])),
    clients: clients.map(id),
    admins: [id('admin')],
  };
}

async function openssl(args: readonly string[]): Promise<void> {
  try {
    await run('openssl', args, { timeout: limits.devOpensslTimeoutMs });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') throw new Error('--tls makes its certificates with openssl, which is not on the PATH: install it (Debian: apt-get install openssl)');
    throw new Error(`openssl ${args[0]} failed: ${e.stderr?.trim() ?? e.message}`);
  }
}

async function stillValid(certs: DevCertificates): Promise<boolean> {
  try {
    const ca = new X509Certificate(await readFile(certs.ca));
    const until = Date.now() + limits.devCertificateRenewBeforeMs;
    if (Date.parse(ca.validTo) < until) return false;
    for (const files of Object.values(certs.identities)) {
      const cert = new X509Certificate(await readFile(files.cert));
      await readFile(files.key);
      if (Date.parse(cert.validTo) < until || !cert.checkIssued(ca)) return false;
    }
    return true;
  } catch {
    return false;
  }
}
