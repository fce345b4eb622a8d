import { createHash } from 'node:crypto';
import { PassThrough, type Readable } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
import { loadProto } from '../proto/load-proto.js';
import type { Span } from '@opentelemetry/api';
import { inSpan, SpanKind, tracingOn } from '../lib/tracing/tracing.js';
import { traceMetadata } from '../lib/grpc/trace-metadata.js';
import type { BlobStoreClient } from '../proto/gen/twophase/v1/BlobStore.js';
import type { BlobUploadsClient } from '../proto/gen/twophase/v1/BlobUploads.js';
import { ResumableUploads } from './resumable-uploads.js';
import type { MetadataClient } from '../proto/gen/twophase/v1/Metadata.js';
import { clientOptions } from '../lib/grpc/client-options.js';
import { limits } from '../lib/limits/limits.js';
import { fileRevisionFromWire, type FileRevision } from './file-revision.js';
import { fromGrpcError, InvalidArgumentError, NotFoundError, PreconditionFailedError, TwoPhaseError, UnavailableError } from './sdk-errors.js';
import { shardOf } from '../lib/shard-map/shard-map.js';
import { abortCauseFromWire } from '../lib/grpc/abort-cause-wire.js';
import type { AbortCause } from '../lib/abort-cause/abort-cause.js';
import { Transaction, type CommitResult, type Content, type TransactionContext } from './transaction.js';
import { blobUnaryFallback, metadataUnaryFallback } from './participant-unary-fallbacks.js';
import type { BeginResponse__Output } from '../proto/gen/twophase/v1/BeginResponse.js';
import type { FileRevision__Output } from '../proto/gen/twophase/v1/FileRevision.js';
import type { GetOutcomeResponse__Output } from '../proto/gen/twophase/v1/GetOutcomeResponse.js';
import type { ListFilesResponse__Output } from '../proto/gen/twophase/v1/ListFilesResponse.js';
import type { ListChangesResponse__Output } from '../proto/gen/twophase/v1/ListChangesResponse.js';
import type { ListParticipantsResponse__Output } from '../proto/gen/twophase/v1/ListParticipantsResponse.js';
import type { ListRevisionsResponse__Output } from '../proto/gen/twophase/v1/ListRevisionsResponse.js';
import { linkMethod, unaryCall, type CallPolicy } from './unary-call.js';
import { LinkClient, type LinkStream } from '../lib/grpc-link/link-client.js';
import { atOwnerWithinGrace, CoordinatorSet, isUnreachable, type CoordinatorEntry } from './coordinator-set.js';
import { coordinatorOfTxId, participantIdProblem } from '../lib/tx-id/tx-id.js';

export interface TwoPhaseClientOptions {
  /** host:port of the coordinator. Give this or `coordinators`. */
  readonly coordinator?: string;
  /**
   * Coordinators on one shared decision log, each by the id its tx ids carry (its
   * `--coordinator-id`) and its host:port. Begin goes to each live one in turn; a tx's other
   * calls go to the one that began it and, when that one stays unreachable, its outcome is
   * asked of the others, which settle it from the shared log.
   */
  readonly coordinators?: readonly { readonly id: string; readonly address: string }[];
  /**
   * host:port of each participant; by default discovered with ListParticipants. With
   * sharded metadata, `metadataShards` gives each shard's address by its participant id.
   */
  readonly participants?: { readonly blob?: string; readonly metadata?: string; readonly metadataShards?: Readonly<Record<string, string>> };
  /** Participant ids at the coordinator; default `blob` and `metadata`. */
  readonly blobParticipantId?: string;
  readonly metadataParticipantId?: string;
  /**
   * The metadata participants that share the namespaces, in the coordinator's order (its
   * `--metadata-shards`); by default the coordinator's list (ListParticipants), and
   * without one, the single metadata participant. A namespace's files are at the shard
   * `shardOf(namespace)` picks.
   */
  readonly metadataShards?: readonly string[];
  /** Deadline of each unary call; default 10 s (limits.sdkCallTimeoutMsDefault). */
  readonly callTimeoutMs?: number;
  /** Deadline of one streamed upload or download; default 10 min (limits.sdkStreamTimeoutMsDefault). */
  readonly streamTimeoutMs?: number;
  /** How long a Commit whose reply was lost keeps asking for the outcome; default 30 s (limits.sdkOutcomeWaitMsDefault). */
  readonly outcomeWaitMs?: number;
  /**
   * Mutual TLS to the coordinator and the participants: the PEM certificate(s) of the CA
   * that issued their certificates, and this client's own certificate and key, which the
   * services' access policy must list under `clients`. Plaintext without.
   */
  readonly tls?: { readonly ca: string | Buffer; readonly cert: string | Buffer; readonly key: string | Buffer };
  /**
   * Credentials added to every call (e.g. `grpc.credentials.createFromMetadataGenerator`
   * for a token a proxy in front of the services checks). Only over TLS: gRPC never sends
   * them in plaintext.
   */
  readonly callCredentials?: grpc.CallCredentials;
}

export interface UploadFileRequest {
  readonly namespace: string;
  readonly path: string;
  readonly content: Content;
  readonly contentType?: string;
  /** Write only if the file's current revision is this. */
  readonly ifMatch?: number;
  /** Write only if the file does not exist. */
  readonly ifNoneMatch?: boolean;
  /** Checked by the blob participant; a mismatch aborts the upload. */
  readonly expectedSha256?: string;
  readonly expectedSize?: number;
  /** Lifetime of the tx; default the coordinator's. */
  readonly timeoutMs?: number;
}

/** A file to move or copy, and where to. */
export interface MoveFileRequest {
  /** The file; `ifMatch`: only if this is its current revision. */
  readonly from: { readonly namespace: string; readonly path: string; readonly ifMatch?: number };
  /** Where to; `ifMatch` / `ifNoneMatch` condition the write there as for an upload. */
  readonly to: { readonly namespace: string; readonly path: string; readonly ifMatch?: number; readonly ifNoneMatch?: boolean };
}

export interface MoveFileResult {
  readonly txId: string;
  /** The revision moved or copied; for a move, the tombstone that ended it there. */
  readonly from: { readonly namespace: string; readonly path: string; readonly revision: number; readonly tombstoneRevision?: number };
  readonly to: { readonly namespace: string; readonly path: string; readonly revision: number; readonly created: boolean };
  readonly sha256: string;
  readonly size: number;
  readonly pendingParticipants: readonly string[];
}

export interface UploadFileResult {
  readonly namespace: string;
  readonly path: string;
  readonly revision: number;
  readonly sha256: string;
  readonly size: number;
  readonly txId: string;
  /** True when the file did not exist before (HTTP 201). */
  readonly created: boolean;
  /** Participants still applying the commit when it returned (reads may lag until they do). */
  readonly pendingParticipants: readonly string[];
}

export type Outcome = 'active' | 'preparing' | 'committed' | 'aborted';

/**
 * The typed client of twophase: transactions over the coordinator, bytes at the blob
 * participant, revisions at the metadata participant.
 *
 *     const client = new TwoPhaseClient({ coordinator: '127.0.0.1:7070' });
 *     const { revision } = await client.uploadFile({ namespace: 'alice', path: 'a.txt', content: Buffer.from('hi') });
 */
export class TwoPhaseClient {
  private readonly coordinators: CoordinatorSet;
  private blobClient: BlobStoreClient | undefined;
  private blobLink: LinkClient | undefined;
  private uploadsClient: BlobUploadsClient | undefined;
  /** Resumable uploads: bytes sent over many calls, across restarts, then committed in one tx. */
  readonly uploads: ResumableUploads;
  /** Each metadata shard by participant id, and their order (a namespace's shard is shardOf over it). */
  private shards = new Map<string, { readonly client: MetadataClient; readonly link: LinkClient }>();
  private shardIds: readonly string[] = [];
  private discovered: Promise<void> | undefined;
  private readonly callTimeoutMs: number;
  private readonly streamTimeoutMs: number;

  private readonly credentials: grpc.ChannelCredentials;

  constructor(private readonly options: TwoPhaseClientOptions) {
    this.credentials = credentialsOf(options);
    this.coordinators = new CoordinatorSet(coordinatorsOf(options), this.credentials);
    this.callTimeoutMs = options.callTimeoutMs ?? limits.sdkCallTimeoutMsDefault;
    this.streamTimeoutMs = options.streamTimeoutMs ?? limits.sdkStreamTimeoutMsDefault;
    this.uploads = new ResumableUploads({
      uploads: async () => {
        await this.connect();
        return this.uploadsClient as BlobUploadsClient;
      },
      begin: () => this.begin(),
      getOutcome: (txId) => this.getOutcome(txId),
      transactionRevision: (txId) => this.transactionRevision(txId),
      stat: (req) => this.stat(req),
      callTimeoutMs: this.callTimeoutMs,
      streamTimeoutMs: this.streamTimeoutMs,
    });
  }

  /** Finds the participants (from options or the coordinator). Called on demand; call it early to fail fast. */
  connect(): Promise<void> {
    this.discovered ??= this.discover().catch((err: unknown) => {
      this.discovered = undefined;
      throw err;
    });
    return this.discovered;
  }

  /**
   * Whether the coordinator and both participants answer their gRPC health check SERVING
   * (grpc.health.v1, whole server), each within `timeoutMs`: what a readiness probe asks.
   * Never throws: a service that cannot be reached, or whose address the coordinator cannot
   * give, is reported with why.
   */
  async health(timeoutMs = limits.sdkHealthCheckTimeoutMs): Promise<{ ready: boolean; services: Record<'coordinator' | 'blob' | 'metadata', string> }> {
    // with several coordinators, ready while any one serves (Begin goes to the live ones)
    const check = (client: grpc.Client | undefined): Promise<string> =>
      client === undefined
        ? Promise.resolve('unknown: the coordinator gave no address')
        : new Promise((resolve) => {
            client.makeUnaryRequest(
              '/grpc.health.v1.Health/Check',
              (bytes: Buffer) => bytes,
              (bytes: Buffer) => bytes,
              Buffer.alloc(0),
              { deadline: new Date(Date.now() + timeoutMs) },
              (err, reply) => {
                // HealthCheckResponse{status: SERVING} is the two bytes 08 01
                if (err !== null) resolve(`unreachable: ${err.details || err.message}`);
                else resolve(reply !== undefined && reply.equals(Buffer.from([8, 1])) ? 'SERVING' : 'NOT_SERVING');
              },
            );
          });
    const each = await Promise.all(this.coordinators.entries.map((e) => check(e.client)));
    const coordinator =
      each.length === 1
        ? each[0]!
        : `${each.includes('SERVING') ? 'SERVING' : 'NOT_SERVING'} (${this.coordinators.entries.map((e, i) => `${e.id}: ${each[i]!}`).join('; ')})`;
    await this.connect().catch(() => undefined);
    const [blob, ...shards] = await Promise.all([check(this.blobClient), ...[...this.shards.values()].map((s) => check(s.client))]);
    const metadata =
      shards.length === 0
        ? 'unknown: the coordinator gave no address'
        : shards.length === 1
          ? shards[0]!
          : `${shards.every((x) => x === 'SERVING') ? 'SERVING' : 'NOT_SERVING'} (${this.shardIds.map((id, i) => `${id}: ${shards[i]!}`).join('; ')})`;
    const services = { coordinator, blob: blob!, metadata };
    return { ready: Object.values(services).every((s) => s.startsWith('SERVING')), services };
  }

  /** Begins a tx; its work is done through the returned Transaction. */
  async begin(options: { timeoutMs?: number } = {}): Promise<Transaction> {
    await this.connect();
    const { res, entry } = await this.beginAtOne(options.timeoutMs ?? 0);
    return new Transaction(res.txId, new Date(Number(res.deadlineUnixMs)), this.transactionContext(), entry);
  }

  /**
   * A Begin at one coordinator: with several, at the next live one, and at the next again
   * when one cannot be reached (a Begin that did arrive only leaves a tx that expires). Its
   * tx id must name the coordinator it was asked of: the ids given to the client are the
   * coordinators' own, or every tx would be sent to the wrong one.
   */
  private async beginAtOne(timeoutMs: number): Promise<{ res: BeginResponse__Output; entry: CoordinatorEntry }> {
    const shared = this.coordinators.shared;
    const { entry, result } = await this.coordinators.inTurn((e, attemptMs) =>
      unaryCall<BeginResponse__Output>(linkMethod(e.link, 'begin'), { timeoutMs }, { timeoutMs: Math.min(this.callTimeoutMs, attemptMs ?? this.callTimeoutMs), attempts: 1 }, shared ? `begin at coordinator ${e.id}` : 'begin'),
    );
    const named = coordinatorOfTxId(result.txId);
    if (shared && named !== entry.id) {
      throw new InvalidArgumentError(`the coordinator given as ${entry.id} (${entry.address}) began tx ${result.txId}, which names ${named ?? 'no coordinator'}: give each coordinator the id it runs with (its --coordinator-id)`);
    }
    return { res: result, entry };
  }

  /**
   * Begins a tx, runs `work`, commits. If `work` throws, the tx is aborted and the error
   * rethrown; if the commit aborts, TransactionAbortedError is thrown.
   */
  async transaction<T>(work: (tx: Transaction) => Promise<T>, options: { timeoutMs?: number } = {}): Promise<T & { commit: CommitResult }> {
    const tx = await this.begin(options);
    let value: T;
    try {
      value = await work(tx);
    } catch (err) {
      await tx.abort(err instanceof Error ? err.message.slice(0, limits.sdkClientAbortReasonLengthMax) : 'client work failed').catch(() => undefined);
      throw err;
    }
    const commit = await tx.commit();
    return Object.assign(Object.create(null) as object, value, { commit }) as T & { commit: CommitResult };
  }

  /** Uploads bytes and records them as the file's new revision, atomically. */
  async uploadFile(req: UploadFileRequest): Promise<UploadFileResult> {
    return inSpan('twophase upload', { attributes: { 'twophase.namespace': req.namespace, 'twophase.path': req.path } }, (span) => this.upload(req, span));
  }

  private async upload(req: UploadFileRequest, span: Span | undefined): Promise<UploadFileResult> {
    const result = await this.transaction(
      async (tx) => {
        span?.setAttribute('twophase.tx_id', tx.txId);
        const expected = {
          ...(req.expectedSha256 === undefined ? {} : { sha256: req.expectedSha256 }),
          ...(req.expectedSize === undefined ? {} : { size: req.expectedSize }),
        };
        const stage = (blob: { sha256: string; size: number }) =>
          tx.stageRevision({
            namespace: req.namespace,
            path: req.path,
            sha256: blob.sha256,
            size: blob.size,
            ...(req.contentType === undefined ? {} : { contentType: req.contentType }),
            ...(req.ifMatch === undefined ? {} : { ifMatch: req.ifMatch }),
            ...(req.ifNoneMatch === undefined ? {} : { ifNoneMatch: req.ifNoneMatch }),
          });
        const known = knownDigest(req.content, expected);
        if (known === undefined) {
          const blob = await tx.putBlob(req.content, expected);
          return { ...blob, ...(await stage(blob)), txId: tx.txId };
        }
        // What the bytes are is known before they are sent: the revision is staged while
        // they travel. The blob participant checks them against it (a mismatch aborts).
        const [put, staged] = await Promise.allSettled([tx.putBlob(req.content, { ...expected, ...known }), stage(known)]);
        if (put.status === 'rejected') throw put.reason;
        if (staged.status === 'rejected') throw staged.reason;
        return { ...put.value, ...staged.value, txId: tx.txId };
      },
      req.timeoutMs === undefined ? {} : { timeoutMs: req.timeoutMs },
    );
    return {
      namespace: req.namespace,
      path: req.path,
      revision: result.revision,
      sha256: result.sha256,
      size: result.size,
      txId: result.txId,
      created: result.created,
      pendingParticipants: result.commit.pendingParticipants,
    };
  }

  /** Deletes a file (a tombstone revision), atomically; `ifMatch` makes it conditional. */
  async deleteFile(req: { namespace: string; path: string; ifMatch?: number }): Promise<{ revision: number; txId: string; pendingParticipants: readonly string[] }> {
    const r = await this.transaction(async (tx) => ({ ...(await tx.deleteFile(req)), txId: tx.txId }));
    return { revision: r.revision, txId: r.txId, pendingParticipants: r.commit.pendingParticipants };
  }

  /**
   * Moves a file to another path, in its namespace or another (on another metadata shard
   * too), atomically: one tx deletes it where it was (only if it is still the revision read,
   * or `from.ifMatch`) and stages the same bytes as the destination's new revision (under
   * `to.ifMatch` / `to.ifNoneMatch` when given). The bytes are not copied: objects are named
   * by their SHA-256 and never change, so both revisions name the same one.
   */
  async moveFile(req: MoveFileRequest): Promise<MoveFileResult> {
    return this.relocate(req, true);
  }

  /** Copies a file's current revision (or `from.ifMatch`'s, refused if no longer current) to another path, atomically. */
  async copyFile(req: MoveFileRequest): Promise<MoveFileResult> {
    return this.relocate(req, false);
  }

  private async relocate(req: MoveFileRequest, move: boolean): Promise<MoveFileResult> {
    if (req.from.namespace === req.to.namespace && req.from.path === req.to.path) throw new InvalidArgumentError(`${move ? 'move' : 'copy'} of ${req.from.namespace}/${req.from.path} onto itself`);
    const source = await this.stat({ namespace: req.from.namespace, path: req.from.path });
    if (req.from.ifMatch !== undefined && req.from.ifMatch !== source.revision) {
      throw new PreconditionFailedError(`${req.from.namespace}/${req.from.path} is at revision ${source.revision}, not ${req.from.ifMatch}`, source.revision);
    }
    const r = await this.transaction(async (tx) => {
      const [removed, staged] = await Promise.all([
        // the source must still be the revision read: a write in between makes this a conflict, and the tx aborts
        move ? tx.deleteFile({ namespace: req.from.namespace, path: req.from.path, ifMatch: source.revision }) : Promise.resolve(undefined),
        tx.stageRevision({
          namespace: req.to.namespace,
          path: req.to.path,
          sha256: source.sha256,
          size: source.size,
          contentType: source.contentType,
          ...(req.to.ifMatch === undefined ? {} : { ifMatch: req.to.ifMatch }),
          ...(req.to.ifNoneMatch === undefined ? {} : { ifNoneMatch: req.to.ifNoneMatch }),
        }),
      ]);
      return { removed, staged, txId: tx.txId };
    });
    return {
      txId: r.txId,
      from: { namespace: req.from.namespace, path: req.from.path, revision: source.revision, ...(r.removed === undefined ? {} : { tombstoneRevision: r.removed.revision }) },
      to: { namespace: req.to.namespace, path: req.to.path, revision: r.staged.revision, created: r.staged.created },
      sha256: source.sha256,
      size: source.size,
      pendingParticipants: r.commit.pendingParticipants,
    };
  }

  /** The committed revision (latest, or the one named). NotFoundError if absent or deleted. */
  async stat(req: { namespace: string; path: string; revision?: number }): Promise<FileRevision> {
    const m = await this.metadata(req.namespace);
    const res = await unaryCall<FileRevision__Output>(
      m.GetFile.bind(m),
      { namespace: req.namespace, path: req.path, revision: String(req.revision ?? 0) },
      this.policy(limits.sdkIdempotentCallAttemptsMax),
      `stat ${req.namespace}/${req.path}`,
    );
    return fileRevisionFromWire(res);
  }

  /**
   * The revision a committed tx wrote (its first, if several): what the tx changed, and in
   * which namespace. NotFoundError when it wrote no committed revision (it aborted, is not
   * decided yet, or never was).
   */
  async transactionRevision(txId: string): Promise<FileRevision> {
    await this.connect();
    // a tx names no namespace: each shard is asked until one has a revision of it
    let notFound: unknown;
    for (const id of this.shardIds) {
      const m = this.shards.get(id)!.client;
      try {
        const res = await unaryCall<FileRevision__Output>(m.GetTransactionRevision.bind(m), { txId }, this.policy(limits.sdkIdempotentCallAttemptsMax), `revision of ${txId}`);
        return fileRevisionFromWire(res);
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err;
        notFound = err;
      }
    }
    throw notFound;
  }

  /**
   * Downloads a committed file (or a byte range of it). Resolves once the file is found,
   * with its revision and a stream of its bytes.
   */
  async download(req: { namespace: string; path: string; revision?: number; offset?: number; length?: number }): Promise<{ file: FileRevision; body: Readable }> {
    const file = await this.stat(req);
    if (file.deleted) throw new NotFoundError(`${req.namespace}/${req.path} is deleted`);
    const body = await this.readBlob(file.sha256, req.offset ?? 0, req.length ?? -1);
    return { file, body };
  }

  /** Every committed revision, newest first (tombstones included), a page at a time. */
  async listRevisions(req: { namespace: string; path: string; pageSize?: number; pageToken?: string }): Promise<{ revisions: FileRevision[]; nextPageToken: string }> {
    const m = await this.metadata(req.namespace);
    const res = await unaryCall<ListRevisionsResponse__Output>(
      m.ListRevisions.bind(m),
      { namespace: req.namespace, path: req.path, pageSize: req.pageSize ?? 0, pageToken: req.pageToken ?? '' },
      this.policy(limits.sdkIdempotentCallAttemptsMax),
      `list revisions of ${req.namespace}/${req.path}`,
    );
    return { revisions: res.revisions.map(fileRevisionFromWire), nextPageToken: res.nextPageToken };
  }

  /**
   * The change feed of a namespace: every committed revision (new content, or a delete's
   * tombstone) after `afterCursor` (0: from the first), in the one order every reader sees,
   * then each new one as it commits, until `signal` aborts (the iteration then ends) or the
   * connection fails (it throws; resume from the last cursor handled to see each change
   * exactly once). Cursors belong to the namespace's metadata shard.
   */
  async *watchChanges(req: { namespace: string; afterCursor?: number; signal?: AbortSignal }): AsyncGenerator<{ cursor: number; revision: FileRevision }> {
    const m = await this.metadata(req.namespace);
    if (req.signal?.aborted === true) return;
    const call = m.WatchChanges({ namespace: req.namespace, afterCursor: String(req.afterCursor ?? 0) }, traceMetadata());
    const cancel = (): void => call.cancel();
    req.signal?.addEventListener('abort', cancel);
    try {
      for await (const change of call as AsyncIterable<{ cursor: string; revision: FileRevision__Output }>) {
        yield { cursor: Number(change.cursor), revision: fileRevisionFromWire(change.revision) };
      }
    } catch (err) {
      // aborted meanwhile (TypeScript keeps the narrowing of the check above, which no longer holds)
      if ((req.signal as AbortSignal | undefined)?.aborted === true) return;
      throw fromGrpcError(err, `watch changes of ${req.namespace}`);
    } finally {
      req.signal?.removeEventListener('abort', cancel);
      call.cancel();
    }
  }

  /** One page of a namespace's change feed, now: the changes after `afterCursor` (none when up to date), at most `limit` (default 100). */
  async listChanges(req: { namespace: string; afterCursor?: number; limit?: number }): Promise<{ cursor: number; revision: FileRevision }[]> {
    const m = await this.metadata(req.namespace);
    const res = await unaryCall<ListChangesResponse__Output>(
      m.ListChanges.bind(m),
      { namespace: req.namespace, afterCursor: String(req.afterCursor ?? 0), pageSize: req.limit ?? 0 },
      this.policy(limits.sdkIdempotentCallAttemptsMax),
      `changes of ${req.namespace}`,
    );
    return res.changes.map((c) => ({ cursor: Number(c.cursor), revision: fileRevisionFromWire(c.revision!) }));
  }

  /** Live files of a namespace under a path prefix, by path, a page at a time. */
  async listFiles(req: { namespace: string; prefix?: string; pageSize?: number; pageToken?: string }): Promise<{ files: FileRevision[]; nextPageToken: string }> {
    const m = await this.metadata(req.namespace);
    const res = await unaryCall<ListFilesResponse__Output>(
      m.ListFiles.bind(m),
      { namespace: req.namespace, prefix: req.prefix ?? '', pageSize: req.pageSize ?? 0, pageToken: req.pageToken ?? '' },
      this.policy(limits.sdkIdempotentCallAttemptsMax),
      `list files of ${req.namespace}`,
    );
    return { files: res.files.map(fileRevisionFromWire), nextPageToken: res.nextPageToken };
  }

  /**
   * The coordinator's outcome of a tx; `presumed` when it is unknown and presumed aborted;
   * `cause` (why it aborted, for programs) when it is aborted.
   */
  async getOutcome(txId: string): Promise<{ outcome: Outcome; reason: string; presumed: boolean; cause?: AbortCause }> {
    const res = await this.outcomeFromAny(txId);
    const outcomes: Readonly<Record<string, Outcome | undefined>> = { OUTCOME_ACTIVE: 'active', OUTCOME_PREPARING: 'preparing', OUTCOME_COMMITTED: 'committed', OUTCOME_ABORTED: 'aborted' };
    const outcome = outcomes[res.outcome];
    if (outcome === undefined) throw new TwoPhaseError(`unexpected outcome ${res.outcome}`);
    return { outcome, reason: res.reason, presumed: res.presumed, ...(outcome === 'aborted' ? { cause: abortCauseFromWire(res.cause) } : {}) };
  }

  /**
   * GetOutcome at the tx's coordinator; with several, at the others once it has stayed
   * unreachable for the grace (they settle an undecided tx as aborted: asked at the first
   * blip, they would abort a tx its coordinator was about to commit).
   */
  private async outcomeFromAny(txId: string): Promise<GetOutcomeResponse__Output> {
    const ask = (entry: CoordinatorEntry, attempts: number) =>
      unaryCall<GetOutcomeResponse__Output>(linkMethod(entry.link, 'getOutcome'), { txId, participantId: '' }, this.policy(attempts), `outcome of ${txId}`);
    const owner = this.coordinators.ownerOf(txId);
    const others = this.coordinators.othersFor(txId);
    if (others.length === 0) return ask(owner, limits.sdkIdempotentCallAttemptsMax);
    try {
      return await atOwnerWithinGrace(() => ask(owner, 1));
    } catch (err) {
      if (!isUnreachable(err)) throw err;
      for (const other of others) {
        try {
          return await ask(other, 1);
        } catch {
          // the next
        }
      }
      throw err;
    }
  }

  close(): void {
    this.coordinators.close();
    this.blobLink?.close();
    this.uploadsClient?.close();
    this.blobClient?.close();
    for (const shard of this.shards.values()) {
      shard.link.close();
      shard.client.close();
    }
  }

  /**
   * Streams an object. A participant that is restarting (UNAVAILABLE before the first
   * byte) is retried for up to the call timeout; once bytes flow, a failure ends the stream.
   */
  private async readBlob(sha256: string, offset: number, length: number): Promise<Readable> {
    const giveUpAt = Date.now() + this.callTimeoutMs;
    let delay: number = limits.sdkReadRetryMsBase;
    for (;;) {
      try {
        // with tracing on, a client span until the first bytes arrive; the server's covers the whole send
        return await (tracingOn() ? inSpan('call Get', { kind: SpanKind.CLIENT, attributes: { 'rpc.method': 'Get' } }, () => this.openBlobStream(sha256, offset, length)) : this.openBlobStream(sha256, offset, length));
      } catch (err) {
        if (!(err instanceof UnavailableError) || Date.now() + delay > giveUpAt) throw err;
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, limits.sdkReadRetryMsMax);
      }
    }
  }

  private async openBlobStream(sha256: string, offset: number, length: number): Promise<Readable> {
    const blob = await this.blob();
    const call = blob.Get({ sha256, offset: String(offset), length: String(length) }, traceMetadata(), { deadline: new Date(Date.now() + this.streamTimeoutMs) });
    const body = new PassThrough();
    // wait for the first message (or the error) so a missing object fails the call, not the stream
    return new Promise<Readable>((resolve, reject) => {
      let started = false;
      call.on('data', (msg: { chunk: Buffer }) => {
        if (!started) {
          started = true;
          resolve(body);
        }
        if (!body.write(msg.chunk)) {
          call.pause();
          body.once('drain', () => call.resume());
        }
      });
      call.on('end', () => {
        if (!started) resolve(body);
        body.end();
      });
      call.on('error', (err) => {
        const typed = fromGrpcError(err, `read object ${sha256}`);
        if (!started) reject(typed);
        else body.destroy(typed);
      });
      body.on('close', () => {
        if (!call.destroyed) call.cancel();
      });
    });
  }

  private async discover(): Promise<void> {
    const fixed = this.options.participants;
    const single = this.options.metadataParticipantId ?? 'metadata';
    let blob = fixed?.blob;
    const addresses = new Map<string, string>(Object.entries(fixed?.metadataShards ?? {}));
    if (fixed?.metadata !== undefined) addresses.set(single, fixed.metadata);
    // fixed addresses of one metadata participant: no shards to learn
    let shardIds = this.options.metadataShards ?? (fixed?.metadata !== undefined && fixed.metadataShards === undefined ? [single] : undefined);
    const needed = (ids: readonly string[]): boolean => blob === undefined || ids.some((id) => !addresses.has(id));
    if (shardIds === undefined || needed(shardIds)) {
      const res = await this.listParticipants();
      shardIds ??= res.metadataShards.length > 0 ? res.metadataShards : [single];
      for (const p of res.participants) if (!addresses.has(p.participantId)) addresses.set(p.participantId, p.address);
      blob ??= addresses.get(this.options.blobParticipantId ?? 'blob');
    }
    const missing = shardIds.filter((id) => !addresses.has(id));
    if (blob === undefined || missing.length > 0) {
      throw new UnavailableError(`the coordinator at ${this.coordinators.entries.map((e) => e.address).join(', ')} lists no ${blob === undefined ? 'blob' : missing.join(', ')} participant`);
    }
    const { BlobStore, BlobUploads, Metadata } = loadProto().twophase.v1;
    const blobClient = new BlobStore(blob, this.credentials, clientOptions);
    this.blobClient = blobClient;
    // same address: grpc-js shares one channel between clients of equal target and options
    this.uploadsClient = new BlobUploads(blob, this.credentials, clientOptions);
    // small puts and the metadata writes ride Link streams (unary calls when a server has none)
    this.blobLink = new LinkClient(() => blobClient.Link() as unknown as LinkStream, blobUnaryFallback(blobClient));
    this.shards = new Map(
      shardIds.map((id) => {
        const client = new Metadata(addresses.get(id)!, this.credentials, clientOptions);
        return [id, { client, link: new LinkClient(() => client.Link() as unknown as LinkStream, metadataUnaryFallback(client)) }] as const;
      }),
    );
    this.shardIds = [...shardIds];
  }

  /** The metadata shard of a namespace (once connected). */
  private shardOf(namespace: string): { readonly client: MetadataClient; readonly link: LinkClient } {
    return this.shards.get(shardOf(namespace, this.shardIds))!;
  }

  /** The participants, from the first coordinator that answers (every one is given the same). */
  private async listParticipants(): Promise<ListParticipantsResponse__Output> {
    const { result } = await this.coordinators.inTurn((e, attemptMs) =>
      unaryCall<ListParticipantsResponse__Output>(
        e.client.ListParticipants.bind(e.client),
        {},
        attemptMs === undefined ? this.policy(limits.sdkIdempotentCallAttemptsMax) : { timeoutMs: Math.min(this.callTimeoutMs, attemptMs), attempts: 1 },
        'list participants',
      ),
    );
    return result;
  }

  private async blob(): Promise<BlobStoreClient> {
    await this.connect();
    return this.blobClient as BlobStoreClient;
  }

  private async metadata(namespace: string): Promise<MetadataClient> {
    await this.connect();
    return this.shardOf(namespace).client;
  }

  private transactionContext(): TransactionContext {
    return {
      coordinators: this.coordinators,
      blob: () => this.blobClient as BlobStoreClient,
      blobLink: () => this.blobLink as LinkClient,
      metadataLink: (namespace) => this.shardOf(namespace).link,
      callTimeoutMs: this.callTimeoutMs,
      uploadTimeoutMs: this.streamTimeoutMs,
      outcomeWaitMs: this.options.outcomeWaitMs ?? limits.sdkOutcomeWaitMsDefault,
    };
  }

  private policy(attempts: number): CallPolicy {
    return { timeoutMs: this.callTimeoutMs, attempts };
  }
}

/**
 * The SHA-256 and size of content whose bytes are in memory (computed), or that the caller
 * declared both of; undefined for a stream of unknown bytes. A declared value that the
 * bytes contradict is kept, so the blob participant refuses the Put as it would otherwise.
 */
function knownDigest(content: Content, expected: { sha256?: string; size?: number }): { sha256: string; size: number } | undefined {
  if (content instanceof Uint8Array) {
    return { sha256: expected.sha256 ?? createHash('sha256').update(content).digest('hex'), size: expected.size ?? content.byteLength };
  }
  if (expected.sha256 !== undefined && expected.size !== undefined) return { sha256: expected.sha256, size: expected.size };
  return undefined;
}

/** The coordinators of the options: one (id '') or several by id. InvalidArgumentError for a list that is not one. */
function coordinatorsOf(options: TwoPhaseClientOptions): { id: string; address: string }[] {
  const { coordinator, coordinators } = options;
  if ((coordinator === undefined) === (coordinators === undefined)) throw new InvalidArgumentError('give exactly one of coordinator (host:port) and coordinators ([{ id, address }, …])');
  if (coordinator !== undefined) return [{ id: '', address: coordinator }];
  const list = coordinators!;
  if (list.length === 0) throw new InvalidArgumentError('coordinators is empty: give at least one { id, address }');
  const seen = new Set<string>();
  for (const { id, address } of list) {
    const problem = participantIdProblem(id);
    if (problem !== undefined) throw new InvalidArgumentError(`coordinator id ${JSON.stringify(id)}: ${problem}`);
    if (seen.has(id)) throw new InvalidArgumentError(`coordinator ${id} is given twice`);
    if (address === '') throw new InvalidArgumentError(`coordinator ${id} has no address`);
    seen.add(id);
  }
  return list.map(({ id, address }) => ({ id, address }));
}

/** The channel credentials of the options: plaintext, or TLS with this client's certificate, and its call credentials. */
function credentialsOf(options: TwoPhaseClientOptions): grpc.ChannelCredentials {
  const { tls, callCredentials } = options;
  if (tls === undefined) {
    if (callCredentials !== undefined) throw new InvalidArgumentError('callCredentials need tls: gRPC sends call credentials only over TLS');
    return grpc.credentials.createInsecure();
  }
  const ssl = grpc.credentials.createSsl(Buffer.from(tls.ca), Buffer.from(tls.key), Buffer.from(tls.cert));
  return callCredentials === undefined ? ssl : grpc.credentials.combineChannelCredentials(ssl, callCredentials);
}
