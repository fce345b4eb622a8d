import { Command, Option } from 'commander';
import { readFile } from 'node:fs/promises';
import { ConfigError } from '../lib/config/config-error.js';
import { collectRepeated } from '../lib/config/collect-repeated.js';

/** `twophase token`: an HS256 bearer token the gateway's --jwt-secret-file verifies, for tests and operators. */
export function tokenCommand(): Command {
  return new Command('token')
    .description(
      'Print an HS256 JWT that a gateway run with --auth jwt --jwt-secret-file <file> accepts: its "namespaces" claim grants --read and --write (each repeatable; * for every namespace), and it expires after --expires-in. For operators and tests; end users get theirs from your identity provider.',
    )
    .requiredOption('--secret-file <file>', "the gateway's --jwt-secret-file")
    .addOption(new Option('--read <namespace>', 'a namespace the bearer may read (repeat)').argParser(collectRepeated))
    .addOption(new Option('--write <namespace>', 'a namespace the bearer may write (repeat)').argParser(collectRepeated))
    .addOption(new Option('--subject <sub>', 'the "sub" claim').default('operator'))
    .addOption(new Option('--expires-in <span>', 'lifetime, e.g. 15m, 1h, 7d').default('1h'))
    .addOption(new Option('--issuer <iss>', 'the "iss" claim (when the gateway checks --jwt-issuer)'))
    .addOption(new Option('--audience <aud>', 'the "aud" claim (when the gateway checks --jwt-audience)'))
    .action(async (opts: { secretFile: string; read?: string[]; write?: string[]; subject: string; expiresIn: string; issuer?: string; audience?: string }) => {
      if (!/^\d+[smhd]$/.test(opts.expiresIn)) throw new ConfigError(`invalid setting --expires-in: a number and s, m, h or d, e.g. 1h (given ${JSON.stringify(opts.expiresIn)})`, 'expiresIn');
      if ((opts.read ?? []).length + (opts.write ?? []).length === 0) throw new ConfigError('name at least one namespace with --read or --write (* for every one)', 'namespaces');
      const { signToken } = await import('../gateway/sign-token.js');
      const secret = await readFile(opts.secretFile, 'utf8').catch((err: unknown) => {
        throw new ConfigError(`invalid setting --secret-file: cannot read ${opts.secretFile}: ${(err as Error).message}`, 'secretFile');
      });
      process.stdout.write(
        `${await signToken(secret, { read: opts.read ?? [], write: opts.write ?? [], subject: opts.subject, expiresIn: opts.expiresIn, ...(opts.issuer === undefined ? {} : { issuer: opts.issuer }), ...(opts.audience === undefined ? {} : { audience: opts.audience }) })}\n`,
      );
    });
}
