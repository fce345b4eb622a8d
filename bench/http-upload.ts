import { createHash } from 'node:crypto';
import { Agent, request } from 'node:http';
import { retryRefused } from './retry-refused.js';

/** The answer's body is read to free the connection; this much of it is kept, for an error's message. */
const bodyBytesKeptMax = 4096;
/** One request's deadline, as the SDK's own call deadline. */
const requestTimeoutMs = 10_000;

class UnavailableAnswer extends Error {}

/**
 * Uploads over HTTP: `PUT /v1/files/{namespace}/{path}` on keep-alive connections, at most
 * one per upload in flight (the agent's `maxSockets` is the level's concurrency), each
 * declaring Content-Length and X-Content-SHA256, as a client that holds its bytes would.
 * The same client for twophase's gateway and for the baseline server.
 */
export class HttpUpload {
  /** Answers with X-Twophase-Pending: committed and durable, not yet applied everywhere. */
  pendingCommits = 0;
  /** Attempts answered 503 and retried with backoff; the upload's latency includes the wait. */
  unavailableRetries = 0;
  private readonly agent: Agent;
  private readonly host: string;
  private readonly port: number;

  /** `address`: host:port. */
  constructor(address: string, concurrency: number) {
    const sep = address.lastIndexOf(':');
    this.host = address.slice(0, sep);
    this.port = Number(address.slice(sep + 1));
    this.agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  }

  async upload(namespace: string, path: string, content: Uint8Array): Promise<void> {
    const sha256 = createHash('sha256').update(content).digest('hex');
    // a 503 is a process at a limit of its capacity, as the answer's Retry-After says
    await retryRefused(
      () => this.put(namespace, path, content, sha256),
      (err) => err instanceof UnavailableAnswer,
      () => this.unavailableRetries++,
    );
  }

  close(): void {
    this.agent.destroy();
  }

  private put(namespace: string, path: string, content: Uint8Array, sha256: string): Promise<void> {
    const target = `/v1/files/${encodeURIComponent(namespace)}/${path.split('/').map(encodeURIComponent).join('/')}`;
    return new Promise<void>((resolve, reject) => {
      const req = request(
        {
          agent: this.agent,
          host: this.host,
          port: this.port,
          method: 'PUT',
          path: target,
          timeout: requestTimeoutMs,
          headers: { 'content-type': 'application/octet-stream', 'content-length': content.byteLength, 'x-content-sha256': sha256 },
        },
        (res) => {
          const kept: Buffer[] = [];
          let keptBytes = 0;
          res.on('data', (chunk: Buffer) => {
            if (keptBytes < bodyBytesKeptMax) kept.push(chunk);
            keptBytes += chunk.length;
          });
          res.on('error', reject);
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            if (status === 200 || status === 201) {
              if (res.headers['x-twophase-pending'] !== undefined) this.pendingCommits++;
              return resolve();
            }
            const message = `PUT ${target}: HTTP ${status} ${Buffer.concat(kept).toString('utf8').slice(0, bodyBytesKeptMax)}`;
            reject(status === 503 ? new UnavailableAnswer(message) : new Error(message));
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`PUT ${target}: no answer within ${requestTimeoutMs} ms`)));
      req.on('error', reject);
      req.end(content);
    });
  }
}
