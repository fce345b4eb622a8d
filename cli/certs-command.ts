import { Command, Option } from 'commander';
import { readdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ConfigError } from '../lib/config/config-error.js';
import { limits } from '../lib/limits/limits.js';

const names = ['coordinator', 'blob', 'metadata', 'gateway', 'client', 'admin'];

/** `twophase certs`: a CA, a certificate per process and the access policy naming them, for a deployment to start from. */
export function certsCommand(): Command {
  return new Command('certs')
    .description(
      `Make a CA, a certificate and key for each of ${names.join(', ')}, and access-policy.json naming them, with the system's openssl: what --tls-cert/--tls-key/--tls-ca and --access-policy take (see README, Security). Each certificate is EC P-256, for server and client use, with the SANs URI:spiffe://<trust domain>/<name>, DNS:<name> (the compose service name), DNS:localhost and IP:127.0.0.1. For a real deployment prefer your own PKI; this CA's key stays in the directory.`,
    )
    .requiredOption('--dir <dir>', 'directory to write (created mode 700; must not hold files yet)')
    .addOption(new Option('--trust-domain <domain>', 'the trust domain of the identities').default('twophase.local'))
    .addOption(new Option('--days <n>', 'validity of every certificate').default(String(365)))
    .action(async (opts: { dir: string; trustDomain: string; days: string }) => {
      const days = Number(opts.days);
      if (!Number.isInteger(days) || days < 1 || days > limits.certificateDaysMax) throw new ConfigError(`invalid setting --days: a whole number of days from 1 to ${limits.certificateDaysMax} (given ${JSON.stringify(opts.days)})`, 'days');
      if (!/^[a-z0-9.-]{1,253}$/.test(opts.trustDomain)) throw new ConfigError(`invalid setting --trust-domain: lower-case letters, digits, dots and dashes (given ${JSON.stringify(opts.trustDomain)})`, 'trustDomain');
      const dir = resolve(opts.dir);
      const existing = await readdir(dir).catch(() => []);
      if (existing.length > 0) throw new ConfigError(`${dir} already holds files (${existing.slice(0, 3).join(', ')}…): give an empty or new directory`, 'dir');
      const { devCertificates, devAccessPolicy } = await import('../lib/tls/dev-certificates.js');
      const certs = await devCertificates(dir, names, { subject: `twophase CA (${opts.trustDomain})`, trustDomain: opts.trustDomain, dnsOfName: true, days, reuse: false });
      await writeFile(join(dir, 'access-policy.json'), `${JSON.stringify(devAccessPolicy(['blob', 'metadata'], ['gateway', 'client'], opts.trustDomain), null, 2)}\n`);
      console.log(`wrote to ${dir}: ca.crt (and ca.key, keep it safe or delete it), ${names.map((n) => `${n}.crt/.key`).join(', ')}, access-policy.json`);
      console.log(`each process: --tls-cert ${join(certs.dir, '<name>.crt')} --tls-key ${join(certs.dir, '<name>.key')} --tls-ca ${certs.ca}; servers also --access-policy ${join(dir, 'access-policy.json')}`);
    });
}
