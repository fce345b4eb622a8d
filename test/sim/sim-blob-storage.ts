import { createHash } from 'node:crypto';
import { silentLogger } from '../../lib/logger/logger.js';
import { BlobLayout } from '../../participant/blob/local/blob-layout.js';
import { LocalBlobStore } from '../../participant/blob/local/local-blob-store.js';
import type { PrepareVote, RecoveryResult, ResourceManager } from '../../participant/resource-manager.js';
import type { SimChecker } from './sim-checker.js';
import type { SimClock } from './sim-clock.js';
import { SimDisk, type SimDiskView } from './sim-disk.js';
import type { SimStorage } from './sim-storage.js';
import type { SimWorld } from './sim-world.js';

const simLogger = silentLogger();

/** Sim-scaled durations of the store (production: 7 days, 1 h): longer than any run, but the sweep runs. */
const committedRetentionMs = 30_000;
const sweepIntervalMs = 700;
/** Share of Puts sent with a wrong SHA-256: the store refuses the bytes and the branch can only vote no. */
const wrongDigestShare = 0.01;

interface OpObject {
  readonly sha256: string;
  readonly size: number;
}

/**
 * A blob participant's machine: the production `LocalBlobStore` on a simulated disk of its
 * own (page cache apart from durable state), one store per incarnation. A process crash
 * kills the store's view of the disk with its calls in flight; a machine crash is a power
 * loss, after which only what the store synced is there.
 *
 * The ground truth is read from the disk, not asked of the store: an op is held while its
 * bytes are staged or published under the tx (page cache, what the process sees); a branch
 * is committed when its commit record would survive a power loss, with the ops whose
 * objects would.
 */
export class SimBlobStorage implements SimStorage {
  readonly disk: SimDisk;
  private readonly layout: BlobLayout;
  private view: SimDiskView | undefined;
  private store: LocalBlobStore | undefined;
  /** Each op a client did here, by tx: the object it put. */
  private readonly ops = new Map<string, Map<number, OpObject>>();
  /** Txs worked on here whose branch this store has not yet answered committed or aborted. */
  private readonly unsettled = new Set<string>();

  constructor(
    private readonly w: SimWorld,
    readonly participantId: string,
    private readonly checker: SimChecker,
  ) {
    this.disk = new SimDisk(w, { syncDelayMs: [0.2, 2], nowMs: () => w.nowMs });
    this.layout = new BlobLayout(`/${participantId}/blob`);
    // half the runs start on the data dir an earlier run left (its 256 object directories
    // durable), half on an empty disk, where the first start creates everything
    if (w.rng.chance(0.5)) {
      for (const dir of [this.layout.stagingRoot, this.layout.committedRoot, ...this.layout.objectDirs()]) this.disk.mkdirs(dir);
      this.disk.syncEverything();
    }
  }

  open(clock: SimClock): ResourceManager {
    const view = (this.view = this.disk.view());
    const rng = this.w.rng;
    const store = new LocalBlobStore({
      dataDir: this.layout.root,
      fs: view,
      logger: simLogger,
      participantId: this.participantId,
      clock,
      committedRetentionMs,
      sweepIntervalMs,
      newObjectId: () => Array.from({ length: 4 }, () => rng.below(2 ** 32).toString(16).padStart(8, '0')).join(''),
      onFatal: (err) => {
        if (view.alive) this.checker.violation(`${this.participantId}: blob store fatal: ${err.message}`);
      },
    });
    this.store = store;
    return new CheckedBlobStore(store, this.participantId, this.checker, () => this.touched(), () => this.store === store, (txId) => this.unsettled.delete(txId));
  }

  async work(txId: string, op: number): Promise<void> {
    const store = this.store;
    if (store === undefined) throw new Error(`${this.participantId} has no store`);
    const rng = this.w.rng;
    const bytes = Buffer.from(`${txId}:${op}:${'x'.repeat(rng.below(64))}`);
    const object = { sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length };
    let ops = this.ops.get(txId);
    if (ops === undefined) this.ops.set(txId, (ops = new Map()));
    ops.set(op, object);
    this.unsettled.add(txId);
    const sha256 = rng.chance(wrongDigestShare) ? createHash('sha256').update('not these bytes').digest('hex') : object.sha256;
    const half = rng.below(bytes.length + 1);
    await store.put(txId, chunks([bytes.subarray(0, half), bytes.subarray(half)]), { sha256, size: object.size });
  }

  crash(machine: boolean): void {
    this.store = undefined;
    if (machine) this.disk.powerLoss({ tornTails: this.w.rng.chance(0.5), writeBack: this.w.rng.chance(0.5) ? 0.3 : 0 });
    else this.view?.kill('random');
    this.view = undefined;
    this.touched();
  }

  holds(txId: string, op: number): boolean {
    const object = this.ops.get(txId)?.get(op);
    if (object === undefined) return false;
    if (this.disk.exists(this.layout.object(object.sha256))) return true;
    const prefix = `${txId}.`;
    const suffix = `.${object.size}.${object.sha256}.data`;
    for (const name of this.disk.cachedNames(this.layout.stagingRoot)) {
      if (name.startsWith(prefix) && name.endsWith(suffix)) return true;
    }
    return false;
  }

  committed(txId: string): boolean {
    return this.disk.durableFile(this.layout.committed(txId)) !== undefined;
  }

  /**
   * The ops whose bytes a power loss now would leave published, or staged beside the
   * durable commit record (which recovery publishes again).
   */
  committedOps(txId: string): ReadonlySet<number> | undefined {
    if (!this.committed(txId)) return undefined;
    const out = new Set<number>();
    let staged: Map<string, Buffer> | undefined;
    for (const [op, object] of this.ops.get(txId) ?? []) {
      if (this.disk.durableFile(this.layout.object(object.sha256))?.length === object.size) {
        out.add(op);
        continue;
      }
      staged ??= this.disk.durableFiles(this.layout.stagingRoot) ?? new Map();
      const suffix = `.${object.size}.${object.sha256}.data`;
      for (const [name, bytes] of staged) {
        if (name.startsWith(`${txId}.`) && name.endsWith(suffix) && bytes.length === object.size) out.add(op);
      }
    }
    return out;
  }

  leftovers(): string[] {
    const txs = new Set<string>();
    for (const name of this.disk.cachedNames(this.layout.stagingRoot)) {
      const entry = BlobLayout.parseStagingEntry(name, false);
      if (entry.kind === 'unknown' || entry.kind === 'legacy-dir') continue;
      // staged names of a committed branch wait to be retired once their links are durable
      if (!this.disk.exists(this.layout.committed(entry.txId))) txs.add(entry.txId);
    }
    return [...txs];
  }

  heuristicRollback(): string | undefined {
    return undefined;
  }

  /** Something may have changed for every tx worked on here and not settled: let the checker look. */
  private touched(): void {
    for (const txId of this.unsettled) this.checker.branchLost(txId, this.participantId);
  }
}

/** The store as the runtime drives it, telling the checker what each answer claims. */
class CheckedBlobStore implements ResourceManager {
  constructor(
    private readonly store: LocalBlobStore,
    readonly participantId: string,
    private readonly checker: SimChecker,
    private readonly recovered: () => void,
    private readonly live: () => boolean,
    private readonly settled: (txId: string) => void,
  ) {}

  async recover(): Promise<RecoveryResult> {
    const result = await this.store.recover();
    if (this.live()) this.recovered();
    return result;
  }

  async prepare(txId: string): Promise<PrepareVote> {
    const vote = await this.store.prepare(txId);
    if (vote.vote === 'no') this.checker.branchLost(txId, this.participantId);
    return vote;
  }

  async commit(txId: string): Promise<{ readonly alreadyCommitted: boolean }> {
    const result = await this.store.commit(txId);
    this.settled(txId);
    this.checker.branchCommitted(txId, this.participantId);
    return result;
  }

  async abort(txId: string): Promise<{ readonly alreadyAborted: boolean }> {
    const result = await this.store.abort(txId);
    this.settled(txId);
    this.checker.branchLost(txId, this.participantId);
    return result;
  }

  close(): Promise<void> {
    return this.store.close();
  }
}

async function* chunks(parts: readonly Uint8Array[]): AsyncIterable<Uint8Array> {
  for (const part of parts) if (part.byteLength > 0) yield part;
}

