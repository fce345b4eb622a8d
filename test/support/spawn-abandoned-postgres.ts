import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const script = fileURLToPath(new URL('./run-embedded-postgres.ts', import.meta.url));

/**
 * Starts an embedded PostgreSQL from another node process and SIGKILLs that process
 * once the server is up: the postmaster lives on, orphaned, as after a kill -9 of
 * `twophase dev`. Returns the orphaned postmaster's pid.
 */
export async function spawnAbandonedPostgres(dataDir: string, port: number): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, dataDir, String(port)], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const postmasterPid = await new Promise<number>((resolve, reject) => {
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      if (line !== undefined) resolve((JSON.parse(line) as { postmasterPid: number }).postmasterPid);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => reject(new Error(`run-embedded-postgres exited (${code ?? signal}): ${stderr}`)));
  });
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  child.kill('SIGKILL');
  await closed;
  return postmasterPid;
}
