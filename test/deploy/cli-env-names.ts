import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The TWOPHASE_* variables the `twophase` command reads, all of them and by subcommand. */
export interface CliEnvNames {
  readonly all: ReadonlySet<string>;
  /**
   * For each name of `new Command('name')`, the variables read in the file declaring it
   * (a file's subcommands share its set: `participant`, `blob` and `metadata` alike).
   */
  readonly byCommand: ReadonlyMap<string, ReadonlySet<string>>;
}

/**
 * Reads `.env('TWOPHASE_…')` out of `cli/*.ts` (and the TLS options of `withTlsOptions` for
 * the files that call it): where commander takes a variable, so a deployment that sets any
 * other is silently ignored.
 */
export async function cliEnvNames(repoRoot: string): Promise<CliEnvNames> {
  const cliDir = join(repoRoot, 'cli');
  const files = (await readdir(cliDir)).filter((name) => name.endsWith('.ts'));
  const all = new Set<string>();
  const byCommand = new Map<string, ReadonlySet<string>>();
  const envOf = (source: string): string[] => [...source.matchAll(/\.env\(\s*'(TWOPHASE_[A-Z0-9_]+)'\s*\)/g)].map((match) => match[1] ?? '');
  // the TLS options come from one helper (cli/tls-options.ts): --access-policy only for a server
  const tlsNames = envOf(await readFile(join(cliDir, 'tls-options.ts'), 'utf8'));
  for (const file of files) {
    const source = await readFile(join(cliDir, file), 'utf8');
    const names = new Set(envOf(source));
    for (const [, server] of source.matchAll(/withTlsOptions\([^;]*?\{ server: (true|false) \}\)/g)) {
      for (const name of tlsNames) if (server === 'true' || name !== 'TWOPHASE_ACCESS_POLICY') names.add(name);
    }
    for (const name of names) all.add(name);
    for (const [, command] of source.matchAll(/new Command\(\s*'([a-z-]+)'\s*\)/g)) byCommand.set(command ?? '', names);
  }
  return { all, byCommand };
}
