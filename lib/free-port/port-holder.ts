import net from 'node:net';
import { readdir, readFile, readlink } from 'node:fs/promises';

/** A process that listens on a TCP port, as far as /proc shows it. */
export interface PortHolder {
  readonly pid: number;
  /** Its command line, spaces between the arguments, cut to 200 characters. */
  readonly command: string;
}

/**
 * Whether `host:port` can be listened on now: binds it and lets it go at once. False on
 * EADDRINUSE; any other error (EACCES for a port below 1024, a host not on this machine)
 * is thrown, for the caller to report as it is.
 */
export async function portIsFree(host: string, port: number): Promise<boolean> {
  const server = net.createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port, exclusive: true }, resolve);
    });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') return false;
    throw err;
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/**
 * The process listening on TCP `port` (any address), found on Linux through
 * /proc/net/tcp{,6} (the socket's inode) and /proc/<pid>/fd (who holds it). Undefined where
 * that cannot be seen: another OS, a process of another user (its fds are closed to us), a
 * network namespace of its own.
 */
export async function findPortHolder(port: number): Promise<PortHolder | undefined> {
  if (process.platform !== 'linux') return undefined;
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(table, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const local = fields[1];
      // state 0A is LISTEN
      if (local === undefined || fields[3] !== '0A') continue;
      if (Number.parseInt(local.slice(local.lastIndexOf(':') + 1), 16) === port && fields[9] !== undefined) inodes.add(fields[9]);
    }
  }
  if (inodes.size === 0) return undefined;
  for (const entry of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue;
    const fds = await readdir(`/proc/${entry}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      const target = await readlink(`/proc/${entry}/fd/${fd}`).catch(() => '');
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode === undefined || !inodes.has(inode)) continue;
      const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
      return { pid: Number(entry), command: cmdline.split('\0').filter((arg) => arg !== '').join(' ').slice(0, 200) };
    }
  }
  return undefined;
}
