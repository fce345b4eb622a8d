import type * as grpc from '@grpc/grpc-js';
import type { BlobStoreClient } from '../proto/gen/twophase/v1/BlobStore.js';
import type { PutResponse__Output } from '../proto/gen/twophase/v1/PutResponse.js';
import { fromGrpcError, OutcomeUnknownError, TransactionAbortedError, TwoPhaseError } from './sdk-errors.js';
import { abortCauseFromWire } from '../lib/grpc/abort-cause-wire.js';
import type { AbortCause__Output } from '../proto/gen/twophase/v1/AbortCause.js';
import type { AbortResponse__Output } from '../proto/gen/twophase/v1/AbortResponse.js';
import type { CommitResponse__Output } from '../proto/gen/twophase/v1/CommitResponse.js';
import type { DeleteFileResponse__Output } from '../proto/gen/twophase/v1/DeleteFileResponse.js';
import type { GetOutcomeResponse__Output } from '../proto/gen/twophase/v1/GetOutcomeResponse.js';
import type { StageRevisionResponse__Output } from '../proto/gen/twophase/v1/StageRevisionResponse.js';
import type { LinkClient } from '../lib/grpc-link/link-client.js';
import { atOwnerWithinGrace, isUnreachable, type CoordinatorEntry, type CoordinatorSet } from './coordinator-set.js';
import { limits } from '../lib/limits/limits.js';
import { linkMethod, unaryCall, type CallPolicy } from './unary-call.js';
import { inSpan, SpanKind, tracingOn } from '../lib/tracing/tracing.js';
import { traceMetadata } from '../lib/grpc/trace-metadata.js';
import { streamCall, type Content } from './stream-call.js';

export type { Content } from './stream-call.js';

/** The ways a Transaction reaches the services and how patient it is. */
export interface TransactionContext {
  /** The coordinators: the tx's own one carries Commit, Abort and GetOutcome; the others answer outcomes when it cannot. */
  readonly coordinators: CoordinatorSet;
  readonly blob: () => BlobStoreClient;
  /** The blob participant's Link stream: whole puts of small objects. */
  readonly blobLink: () => LinkClient;
  /** The Link stream of the metadata shard of a namespace: StageRevision and DeleteFile. */
  readonly metadataLink: (namespace: string) => LinkClient;
  readonly callTimeoutMs: number;
  readonly uploadTimeoutMs: number;
  /** How long `commit` may spend learning the outcome after a lost reply. */
  readonly outcomeWaitMs: number;
}

export interface CommitResult {
  readonly txId: string;
  /** Participants that had not yet applied the commit when Commit returned (they will). */
  readonly pendingParticipants: readonly string[];
}

/** A coordinator's answer about the outcome of a tx, from Commit or GetOutcome. */
interface CoordinatorAnswer {
  readonly outcome: string;
  readonly reason: string;
  readonly cause: AbortCause__Output;
  readonly pending: readonly string[];
}

/**
 * One two-phase transaction. Work done through it (bytes, revisions, deletes) becomes
 * visible all together on `commit`, or not at all.
 */
export class Transaction {
  private ended: 'committed' | 'aborted' | undefined;
  private readonly beganAtMs = Date.now();
  /** The coordinator that began the tx: the only one that holds it. */
  private readonly owner: CoordinatorEntry;
  /** Since when the owner has failed every call made to it (several coordinators only). */
  private ownerUnreachableSinceMs: number | undefined;

  constructor(
    readonly txId: string,
    readonly deadline: Date,
    private readonly ctx: TransactionContext,
    /** The coordinator that answered its Begin; by default the one its id names. */
    owner?: CoordinatorEntry,
  ) {
    this.owner = owner ?? ctx.coordinators.ownerOf(txId);
  }

  /**
   * Sends bytes to the blob participant under this tx: in one message of its Link when
   * they are in memory and small (at most 256 KiB), else streamed through Put. Resolves
   * with their SHA-256 and size.
   */
  async putBlob(content: Content, expected: { sha256?: string; size?: number } = {}): Promise<{ sha256: string; size: number }> {
    if (content instanceof Uint8Array && content.byteLength <= limits.blobWholePutBytesMax) {
      const header = { txId: this.txId, expectedSha256: expected.sha256 ?? '', expectedSize: String(expected.size ?? -1) };
      const res = await unaryCall<PutResponse__Output>(
        linkMethod(this.ctx.blobLink(), 'put', content.byteLength),
        { header, content },
        { timeoutMs: this.ctx.uploadTimeoutMs, attempts: 1 },
        'put blob',
      );
      return { sha256: res.sha256, size: Number(res.size) };
    }
    const streamed = (): Promise<{ sha256: string; size: number }> => this.putStreamed(content, expected);
    return tracingOn() ? inSpan('call Put', { kind: SpanKind.CLIENT, attributes: { 'rpc.method': 'Put' } }, streamed) : streamed();
  }

  /** The bytes over a streamed BlobStore.Put: a header, then chunks, with backpressure. */
  private async putStreamed(content: Content, expected: { sha256?: string; size?: number }): Promise<{ sha256: string; size: number }> {
    const client = this.ctx.blob();
    try {
      const res = await streamCall<PutResponse__Output>(
        // the trace context in metadata: a streamed Put is not on a Link, where each call carries its own
        (callback) => client.Put(traceMetadata(), { deadline: new Date(Date.now() + this.ctx.uploadTimeoutMs) }, callback) as grpc.ClientWritableStream<unknown>,
        { header: { txId: this.txId, expectedSha256: expected.sha256 ?? '', expectedSize: String(expected.size ?? -1) } },
        content,
      );
      return { sha256: res.sha256, size: Number(res.size) };
    } catch (err) {
      throw fromGrpcError(err, `put bytes in transaction ${this.txId}`);
    }
  }

  /** Stages a new revision of a file; it becomes current when the tx commits. */
  async stageRevision(change: {
    namespace: string;
    path: string;
    sha256: string;
    size: number;
    contentType?: string;
    ifMatch?: number;
    ifNoneMatch?: boolean;
  }): Promise<{ revision: number; created: boolean }> {
    const res = await unaryCall<StageRevisionResponse__Output>(
      linkMethod(this.ctx.metadataLink(change.namespace), 'stageRevision'),
      {
        txId: this.txId,
        namespace: change.namespace,
        path: change.path,
        sha256: change.sha256,
        size: String(change.size),
        contentType: change.contentType ?? '',
        ifMatchRevision: String(change.ifMatch ?? 0),
        ifNoneMatch: change.ifNoneMatch ?? false,
      },
      this.policy(1),
      `stage ${change.namespace}/${change.path}`,
    );
    return { revision: Number(res.revision), created: res.created };
  }

  /** Stages a tombstone revision; the file disappears when the tx commits. */
  async deleteFile(target: { namespace: string; path: string; ifMatch?: number }): Promise<{ revision: number }> {
    const res = await unaryCall<DeleteFileResponse__Output>(
      linkMethod(this.ctx.metadataLink(target.namespace), 'deleteFile'),
      { txId: this.txId, namespace: target.namespace, path: target.path, ifMatchRevision: String(target.ifMatch ?? 0) },
      this.policy(1),
      `delete ${target.namespace}/${target.path}`,
    );
    return { revision: Number(res.revision) };
  }

  /**
   * Commits. Throws TransactionAbortedError when the tx aborted instead. When the reply is
   * lost (the coordinator crashed, the network failed) it asks GetOutcome until it knows,
   * re-sending Commit if the first never arrived; past `outcomeWaitMs` it throws
   * OutcomeUnknownError — it never guesses.
   */
  async commit(): Promise<CommitResult> {
    let res;
    try {
      res = await unaryCall<CommitResponse__Output>(linkMethod(this.owner.link, 'commit'), { txId: this.txId }, this.policy(1), `commit ${this.txId}`);
    } catch (err) {
      if (!isUnreachable(err)) throw err;
      this.ownerFailed();
      return this.learnOutcome(err);
    }
    return this.settle({ outcome: res.outcome, reason: res.reason, cause: res.cause, pending: res.pendingParticipants });
  }

  /**
   * Aborts (idempotent). Resolves once the coordinator decided abort; throws if it had
   * committed. With several coordinators, when the tx's own one cannot be reached, another
   * settles it in the shared log: aborted, unless it had committed.
   */
  async abort(reason = 'aborted by the client'): Promise<void> {
    if (this.ended === 'aborted') return;
    let res: AbortResponse__Output;
    const others = this.ctx.coordinators.othersFor(this.txId);
    const call = (attempts: number): Promise<AbortResponse__Output> =>
      unaryCall<AbortResponse__Output>(linkMethod(this.owner.link, 'abort'), { txId: this.txId, reason }, this.policy(attempts), `abort ${this.txId}`);
    try {
      // with others to ask, not before the owner has stayed unreachable for the grace
      res = others.length === 0 ? await call(limits.sdkIdempotentCallAttemptsMax) : await atOwnerWithinGrace(() => call(1));
    } catch (err) {
      if (!isUnreachable(err) || others.length === 0) throw err;
      const settled = await this.askOthers(others);
      if (settled === undefined) throw err;
      if (settled.outcome === 'OUTCOME_COMMITTED') throw new TwoPhaseError(`transaction ${this.txId} had already committed`, 'FAILED_PRECONDITION');
      this.ended = 'aborted';
      return;
    }
    if (res.outcome === 'OUTCOME_COMMITTED') throw new TwoPhaseError(`transaction ${this.txId} had already committed`, 'FAILED_PRECONDITION');
    this.ended = 'aborted';
  }

  private async learnOutcome(cause: unknown): Promise<CommitResult> {
    const giveUpAt = Date.now() + this.ctx.outcomeWaitMs;
    let delay: number = limits.sdkOutcomeRetryMsBase;
    while (Date.now() < giveUpAt) {
      const known = await this.askOutcomeOnce();
      // settle outside the asking: an aborted outcome throws, and that is an answer, not a failure to ask
      if (known !== undefined) return this.settle(known);
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, limits.sdkOutcomeRetryMsMax);
    }
    throw new OutcomeUnknownError(this.txId, { cause });
  }

  /**
   * One GetOutcome (and a re-sent Commit if ours never arrived); undefined while the outcome
   * is not known. With several coordinators, once the tx's own one has been unreachable for
   * `limits.sdkOwnerUnreachableGraceMs`, the others are asked too.
   */
  private async askOutcomeOnce(): Promise<CoordinatorAnswer | undefined> {
    try {
      const o = await unaryCall<GetOutcomeResponse__Output>(linkMethod(this.owner.link, 'getOutcome'), { txId: this.txId, participantId: '' }, this.policy(1), `outcome of ${this.txId}`);
      this.ownerUnreachableSinceMs = undefined;
      const known = this.decidedIn(o);
      if (known !== undefined || o.outcome !== 'OUTCOME_ACTIVE') return known;
      // our Commit never arrived: sending it again is safe, Commit is idempotent
      const again = await unaryCall<CommitResponse__Output>(linkMethod(this.owner.link, 'commit'), { txId: this.txId }, this.policy(1), `commit ${this.txId}`);
      return { outcome: again.outcome, reason: again.reason, cause: again.cause, pending: again.pendingParticipants };
    } catch (err) {
      // unreachable for now: the caller asks again until it gives up
      if (!isUnreachable(err)) return undefined;
      this.ownerFailed();
      const others = this.ctx.coordinators.othersFor(this.txId);
      if (others.length === 0 || Date.now() - this.ownerUnreachableSinceMs! < limits.sdkOwnerUnreachableGraceMs) return undefined;
      return this.askOthers(others);
    }
  }

  /**
   * The outcome as another coordinator settles it from the shared log (it never holds the
   * tx: an undecided one it aborts by compare-and-set, so its answer is the decision); the
   * first that answers.
   */
  private async askOthers(others: readonly CoordinatorEntry[]): Promise<CoordinatorAnswer | undefined> {
    for (const other of others) {
      try {
        const o = await unaryCall<GetOutcomeResponse__Output>(linkMethod(other.link, 'getOutcome'), { txId: this.txId, participantId: '' }, this.policy(1), `outcome of ${this.txId} at coordinator ${other.id}`);
        const known = this.decidedIn(o);
        if (known !== undefined) return known;
      } catch {
        // this one cannot answer either: the next
      }
    }
    return undefined;
  }

  /** A decided outcome of a GetOutcome answer, or undefined (not decided, or a presumed abort too old to trust). */
  private decidedIn(o: GetOutcomeResponse__Output): CoordinatorAnswer | undefined {
    // a coordinator remembers a committed tx for finishedRetentionMs, across restarts (its log
    // keeps ended commits that long): within that window an unknown tx really never
    // committed, so a presumed abort is an answer; past it, it only means "forgotten"
    if (o.outcome === 'OUTCOME_ABORTED' && o.presumed && Date.now() - this.beganAtMs > limits.sdkPresumedAbortTrustMs) return undefined;
    if (o.outcome === 'OUTCOME_COMMITTED' || o.outcome === 'OUTCOME_ABORTED') return { outcome: o.outcome, reason: o.reason, cause: o.cause, pending: [] };
    return undefined;
  }

  private ownerFailed(): void {
    this.ownerUnreachableSinceMs ??= Date.now();
    // new txs go to the others meanwhile
    this.ctx.coordinators.markDown(this.owner);
  }

  private settle(answer: CoordinatorAnswer): CommitResult {
    if (answer.outcome === 'OUTCOME_COMMITTED') {
      this.ended = 'committed';
      return { txId: this.txId, pendingParticipants: answer.pending };
    }
    this.ended = 'aborted';
    throw new TransactionAbortedError(this.txId, answer.reason === '' ? 'aborted' : answer.reason, abortCauseFromWire(answer.cause));
  }

  private policy(attempts: number): CallPolicy {
    return { timeoutMs: this.ctx.callTimeoutMs, attempts };
  }
}
