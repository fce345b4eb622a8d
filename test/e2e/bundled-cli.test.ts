import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { freePort } from '../../lib/free-port/free-port.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('the bundled CLI (what npm start runs: bin/twophase.js → dist/bundle/cli/)', () => {
  it('is built by npm install / npm run build, and runs the whole system: an upload round-trips, every child runs from the bundle', async () => {
    expect(existsSync(join(root, 'dist', 'bundle', 'cli', 'main.js')), 'npm run build bundles the CLI').toBe(true);
    const dir = await mkdtemp(join(tmpdir(), 'twophase-bundled-'));
    await chmod(dir, 0o755);
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const [http, coordinator, blob, metadata, postgres] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
    const args = ['dev', '--data-dir', dir, '--http-listen', `127.0.0.1:${http}`, '--coordinator-port', String(coordinator), '--blob-port', String(blob), '--metadata-port', String(metadata), '--postgres-port', String(postgres), '--metrics-ports', 'off', '--log-level', 'warn'];
    const dev = spawn(process.execPath, [join(root, 'bin', 'twophase.js'), ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise((resolve) => dev.once('exit', resolve));
    onTestFinished(async () => {
      dev.kill('SIGINT');
      await exited;
    });
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`dev did not start: ${output}`)), 90_000);
      dev.stdout.on('data', (d: Buffer) => {
        output += d.toString('utf8');
        if (output.includes('twophase is running')) {
          clearTimeout(timer);
          resolve();
        }
      });
      dev.stderr.on('data', (d: Buffer) => (output += d.toString('utf8')));
    });
    const put = await fetch(`http://127.0.0.1:${http}/v1/files/bundled/a.txt`, { method: 'PUT', body: 'from the bundle' });
    expect(put.status).toBe(201);
    expect(await (await fetch(`http://127.0.0.1:${http}/v1/files/bundled/a.txt`)).text()).toBe('from the bundle');
    const pids = JSON.parse(await readFile(join(dir, 'dev-state.json'), 'utf8')) as Record<string, number>;
    for (const [name, pid] of Object.entries(pids)) {
      const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
      expect(cmdline[1], name).toBe(join(root, 'dist', 'bundle', 'cli', 'main.js'));
    }
  }, 120_000);
});
