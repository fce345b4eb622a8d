import { createHash } from 'node:crypto';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { MotoServer } from '../lib/s3/moto-server.js';
import type { ObjectState } from './chaos-target.js';

/**
 * The bucket a run's blob participant keeps its bytes in (`--blob-backend s3`), on an S3 API
 * server the run starts (moto_server); the checker reads objects and staging from it
 * directly, not through the participant.
 */
export class S3Bucket {
  private readonly client: S3Client;

  private constructor(
    private readonly server: MotoServer,
    readonly bucket: string,
  ) {
    this.client = new S3Client({ ...server.clientConfig, responseChecksumValidation: 'WHEN_REQUIRED' });
  }

  static async start(bucket: string): Promise<S3Bucket> {
    const server = await MotoServer.start();
    await server.createBucket(bucket);
    return new S3Bucket(server, bucket);
  }

  /** The blob participant's flags for this bucket. */
  get blobFlags(): string[] {
    return ['--s3-bucket', this.bucket, '--s3-endpoint', this.server.endpoint, '--s3-region', 'us-east-1', '--s3-force-path-style'];
  }

  /** The credentials the participant presents (moto takes any). */
  get credentials(): Record<string, string> {
    return { AWS_ACCESS_KEY_ID: 'chaos', AWS_SECRET_ACCESS_KEY: 'chaos' };
  }

  async objectState(sha256: string): Promise<ObjectState> {
    let bytes: Uint8Array;
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: `objects/${sha256}` }));
      bytes = await (res.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray();
    } catch {
      return 'absent';
    }
    return createHash('sha256').update(bytes).digest('hex') === sha256 ? 'present' : 'corrupt';
  }

  async leftoverStaging(): Promise<string> {
    const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: 'staging/' }));
    const keys = (page.Contents ?? []).map((o) => o.Key ?? '');
    const txs = new Set(keys.map((k) => k.split('/')[1]));
    return keys.length > 0 ? `${txs.size} staged blob branches in s3://${this.bucket}/staging/ (${keys.length} objects)` : '';
  }

  async stop(): Promise<void> {
    this.client.destroy();
    await this.server.stop();
  }
}
