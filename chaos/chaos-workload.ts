import { setTimeout as pause } from 'node:timers/promises';
import { createHash, randomBytes } from 'node:crypto';
import type { Prng } from '../lib/prng/prng.js';

export type OpKind = 'upload' | 'overwrite' | 'delete' | 'move';

/** One client operation and what the client learned of it. */
export interface Op {
  readonly id: number;
  readonly kind: OpKind;
  readonly path: string;
  /** SHA-256 of the bytes written (uploads and overwrites), or moved. */
  readonly sha256: string;
  /** A move's destination namespace (the same path there). */
  readonly toNamespace?: string;
  /** The revision the write was conditioned on (`If-Match`), 0 for `If-None-Match: *`. */
  readonly ifMatch: number | undefined;
  /** HTTP status; 0 when the connection failed and the client learned nothing. */
  status: number;
  revision: number | undefined;
  txId: string | undefined;
  readonly startedAtMs: number;
  endedAtMs: number;
}

const sharedPaths = ['shared/0', 'shared/1', 'shared/2', 'shared/3'];

export function acknowledged(op: Op): boolean {
  return op.status === 200 || op.status === 201;
}

/**
 * A concurrent client workload through the HTTP gateway: uploads of unique content,
 * conditional overwrites of a few shared paths, deletes of earlier uploads. Every
 * operation is recorded with what the client learned, for the checker.
 */
export class ChaosWorkload {
  readonly ops: Op[] = [];
  private nextId = 1;

  constructor(
    private readonly http: string,
    /** Every path of the run lives here: a run never meets another run's files. */
    private readonly namespace: string,
    private readonly rng: Prng,
    /** How a request reaches the gateway (ChaosTarget.httpFetch). */
    private readonly httpFetch: (url: string, init?: RequestInit) => Promise<Response> = fetch,
    private readonly requestTimeoutMs = 30_000,
    /**
     * A namespace on another metadata shard: some operations then move an upload there
     * (`POST …:move`, one tx over both shards), each file at most once.
     */
    private readonly moveTo?: string,
  ) {}

  /** Runs `workers` concurrent clients until `untilMs` (wall clock). */
  async run(workers: number, untilMs: number): Promise<void> {
    await Promise.all(Array.from({ length: workers }, () => this.worker(untilMs)));
  }

  private async worker(untilMs: number): Promise<void> {
    while (Date.now() < untilMs) {
      const roll = this.rng.next();
      if (this.moveTo !== undefined) {
        if (roll < 0.6) await this.upload();
        else if (roll < 0.75) await this.overwrite();
        else if (roll < 0.85) await this.deleteOne();
        else await this.moveOne(this.moveTo);
      } else if (roll < 0.7) await this.upload();
      else if (roll < 0.9) await this.overwrite();
      else await this.deleteOne();
    }
  }

  private content(): Buffer {
    return randomBytes(this.rng.int(1, 16) * 1024);
  }

  private async upload(): Promise<void> {
    const id = this.nextId++;
    const content = this.content();
    await this.write({ id, kind: 'upload', path: `u/${id}.bin`, content, ifMatch: undefined });
  }

  private async overwrite(): Promise<void> {
    const path = this.rng.pick(sharedPaths);
    const head = await this.request('HEAD', path).catch(() => undefined);
    if (head === undefined || (head.status !== 200 && head.status !== 404)) {
      await pause(100);
      return;
    }
    const ifMatch = head.status === 404 ? 0 : Number((head.headers.get('etag') ?? '"0"').replaceAll('"', ''));
    await this.write({ id: this.nextId++, kind: 'overwrite', path, content: this.content(), ifMatch });
  }

  /** Uploads acknowledged and never since deleted or moved (or tried to be). */
  private settledUploads(): Op[] {
    return this.ops.filter((o) => o.kind === 'upload' && acknowledged(o) && !this.ops.some((d) => (d.kind === 'delete' || d.kind === 'move') && d.path === o.path));
  }

  private async moveOne(toNamespace: string): Promise<void> {
    const candidates = this.settledUploads();
    if (candidates.length === 0) return;
    const source = this.rng.pick(candidates);
    const op: Op = { id: this.nextId++, kind: 'move', path: source.path, sha256: source.sha256, toNamespace, ifMatch: 1, status: -1, revision: undefined, txId: undefined, startedAtMs: Date.now(), endedAtMs: 0 };
    this.ops.push(op);
    // only if it is still its upload's revision 1, and onto nothing there
    const body = new Uint8Array(Buffer.from(JSON.stringify({ destination: { namespace: toNamespace, path: source.path }, destinationIfNoneMatch: true })));
    await this.finish(op, () => this.request('POST', `${source.path}:move`, body, { 'if-match': '"1"', 'content-type': 'application/json' }));
  }

  private async deleteOne(): Promise<void> {
    const candidates = this.settledUploads();
    if (candidates.length === 0) return;
    const target = this.rng.pick(candidates);
    const op: Op = { id: this.nextId++, kind: 'delete', path: target.path, sha256: '', ifMatch: undefined, status: -1, revision: undefined, txId: undefined, startedAtMs: Date.now(), endedAtMs: 0 };
    this.ops.push(op);
    await this.finish(op, () => this.request('DELETE', target.path));
  }

  private async write(w: { id: number; kind: OpKind; path: string; content: Buffer; ifMatch: number | undefined }): Promise<void> {
    const op: Op = {
      id: w.id,
      kind: w.kind,
      path: w.path,
      sha256: createHash('sha256').update(w.content).digest('hex'),
      ifMatch: w.ifMatch,
      status: -1,
      revision: undefined,
      txId: undefined,
      startedAtMs: Date.now(),
      endedAtMs: 0,
    };
    this.ops.push(op);
    const headers: Record<string, string> = {};
    if (w.ifMatch !== undefined) headers[w.ifMatch === 0 ? 'if-none-match' : 'if-match'] = w.ifMatch === 0 ? '*' : `"${w.ifMatch}"`;
    await this.finish(op, () => this.request('PUT', w.path, new Uint8Array(w.content), headers));
  }

  private async finish(op: Op, send: () => Promise<Response>): Promise<void> {
    try {
      const res = await send();
      op.status = res.status;
      const body = (await res.json().catch(() => ({}))) as { revision?: number; to?: { revision?: number }; txId?: string; error?: { txId?: string } };
      op.revision = body.revision ?? body.to?.revision;
      op.txId = body.txId ?? body.error?.txId;
    } catch {
      op.status = 0;
    }
    op.endedAtMs = Date.now();
    // a failing system is not hammered: clients back off a little
    if (op.status === 0 || op.status >= 500) await pause(50 + this.rng.int(0, 150));
  }

  private request(method: string, path: string, body?: Uint8Array<ArrayBuffer>, headers: Record<string, string> = {}): Promise<Response> {
    return this.httpFetch(`${this.http}/v1/files/${this.namespace}/${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
      signal: AbortSignal.timeout(this.requestTimeoutMs),
    });
  }
}
