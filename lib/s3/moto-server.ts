import { spawn, type ChildProcess } from 'node:child_process';
import { CreateBucketCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { freePort } from '../free-port/free-port.js';
import { limits } from '../limits/limits.js';

/**
 * A real S3 API server on this machine, for tests and fault-injection runs: `moto_server`
 * (moto, a Python package) on a free loopback port, started and stopped by its user. Its
 * conditional writes are not atomic under races; nothing here relies on them.
 */
export class MotoServer {
  private constructor(
    private readonly child: ChildProcess,
    readonly endpoint: string,
  ) {}

  static async start(): Promise<MotoServer> {
    const port = await freePort();
    const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const failed = new Promise<never>((_, reject) => {
      child.once('error', (err) => reject(new Error(`moto_server could not start (is moto installed? pip install 'moto[server]'): ${err.message}`)));
      child.once('exit', (code) => reject(new Error(`moto_server exited (${code}): ${stderr.slice(-500)}`)));
    });
    const endpoint = `http://127.0.0.1:${port}`;
    const giveUpAt = Date.now() + limits.motoStartTimeoutMs;
    for (;;) {
      const up = await Promise.race([fetch(`${endpoint}/`).then(() => true, () => false), failed]);
      if (up) break;
      if (Date.now() > giveUpAt) throw new Error(`moto_server did not answer within ${limits.motoStartTimeoutMs / 1000} s: ${stderr.slice(-500)}`);
      await new Promise((r) => setTimeout(r, limits.motoStartPollMs));
    }
    return new MotoServer(child, endpoint);
  }

  /** Client settings for it (any credentials do). */
  get clientConfig(): S3ClientConfig {
    return { endpoint: this.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  }

  async createBucket(name: string): Promise<void> {
    const client = new S3Client(this.clientConfig);
    try {
      await client.send(new CreateBucketCommand({ Bucket: name }));
    } finally {
      client.destroy();
    }
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGTERM');
    await exited;
  }
}
