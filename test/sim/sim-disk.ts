import path from 'node:path';
import type { DirEntry, FileStats, FileSystem, FileSystemHandle, OpenFlags, SyncSite } from '../../lib/fs/file-system.js';
import type { Prng } from '../../lib/prng/prng.js';

/** What the disk needs of the simulator (`SimWorld` is one): a timer and the seeded PRNG. */
export interface SimDiskWorld {
  after(delayMs: number, run: () => void): void;
  readonly rng: Pick<Prng, 'next' | 'range' | 'chance' | 'below'>;
}

export interface SimDiskOptions {
  /** How long a name, read or write operation takes (simulated ms, uniform in [lo, hi)). Default [0.01, 0.05]. */
  readonly opDelayMs?: readonly [number, number];
  /** How long a sync takes (simulated ms, uniform in [lo, hi)). Default [0.1, 1]. */
  readonly syncDelayMs?: readonly [number, number];
  /** The clock that stamps mtime and ctime (Unix ms). Default: always 0. */
  readonly nowMs?: () => number;
  /**
   * Syncs that stall (behind a busy device, a journal commit): this share of them takes a
   * time drawn from `ms` instead. Default: none.
   */
  readonly syncStalls?: { readonly share: number; readonly ms: readonly [number, number] };
}

export interface PowerLossOptions {
  /**
   * Keep a random prefix (drawn from the PRNG) of the bytes appended to each file since its
   * last sync: the torn tail a power loss in the middle of the write-back leaves. Default false.
   */
  readonly tornTails?: boolean;
  /**
   * Unsynced directory entries that the kernel had written back on its own before the
   * power went: a change of the entry `name` in directory `dir` (a creation, rename, link
   * or unlink) survives when this says true, else it is undone. A number is the chance
   * of each surviving, drawn from the PRNG. Default: none survives (as in LazyFS).
   */
  readonly writeBack?: number | ((dir: string, name: string) => boolean);
}

/** What becomes of a killed process's operations still in flight. */
export type InFlightFate =
  /** each takes effect or not, drawn from the PRNG (a kill -9 lands anywhere in a syscall) */
  | 'random'
  /** all take effect (the kernel finished them) */
  | 'done'
  /** none takes effect */
  | 'lost';

type SimNode = SimFile | SimDir;

/** The bytes of a file at one instant: `data[0, length)`. Never mutated once taken (see SimFile.frozen). */
interface Snapshot {
  readonly data: Buffer;
  readonly length: number;
}

const noBytes: Snapshot = { data: Buffer.alloc(0), length: 0 };

class SimFile {
  readonly kind = 'file';
  /** The page cache: what reads see. */
  data: Buffer = noBytes.data;
  length = 0;
  /**
   * Bytes `[0, frozen)` of `data` belong to a snapshot (durable or being synced): a write
   * there first copies `data` (copy-on-write), so a snapshot costs nothing to take.
   */
  frozen = 0;
  /** What survives a power loss. */
  durable: Snapshot = noBytes;
  /** Syncs issued and the latest one that took effect: an older sync finishing later changes nothing. */
  syncsIssued = 0;
  syncApplied = 0;
  mtimeMs: number;
  ctimeMs: number;

  constructor(nowMs: number) {
    this.mtimeMs = nowMs;
    this.ctimeMs = nowMs;
  }
}

class SimDir {
  readonly kind = 'dir';
  /** The page cache: the names that lookups see. */
  readonly entries = new Map<string, SimNode>();
  /** The durable value (undefined: no entry) of each name whose cached entry differs from it. */
  readonly undo = new Map<string, SimNode | undefined>();
  syncsIssued = 0;
  syncApplied = 0;

  /** Where the directory was created; directories are never renamed. */
  constructor(readonly path: string) {}
}

class SimStats implements FileStats {
  constructor(
    readonly size: number,
    readonly mtimeMs: number,
    readonly ctimeMs: number,
    private readonly directory: boolean,
  ) {}

  isFile(): boolean {
    return !this.directory;
  }

  isDirectory(): boolean {
    return this.directory;
  }
}

class SimDirEntry implements DirEntry {
  constructor(
    readonly name: string,
    private readonly directory: boolean,
  ) {}

  isDirectory(): boolean {
    return this.directory;
  }
}

const errorTexts: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EEXIST: 'file already exists',
  ENOTDIR: 'not a directory',
  EISDIR: 'illegal operation on a directory',
  EPERM: 'operation not permitted',
  EBADF: 'bad file descriptor',
  ENOTEMPTY: 'directory not empty',
};

/** An error shaped as node's: `code`, `syscall`, `path`, and the same message. */
function fsError(code: string, syscall: string, filePath: string): NodeJS.ErrnoException {
  // no stack: callers test the code, and a stack costs more than the simulated syscall
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return fsErrorWithStack(code, syscall, filePath);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

function fsErrorWithStack(code: string, syscall: string, filePath: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${errorTexts[code] ?? code}, ${syscall} '${filePath}'`), { code, syscall, path: filePath });
}

/** Thrown by a synchronous call of a killed view: a dead process makes no more calls. */
export class SimViewKilledError extends Error {
  override readonly name = 'SimViewKilledError';
}

/** The names along each path seen so far: a store and a log use few paths, over and over. */
const componentsOf = new Map<string, readonly string[]>();
const componentsCachedMax = 100_000;

function components(filePath: string): readonly string[] {
  const cached = componentsOf.get(filePath);
  if (cached !== undefined) return cached;
  if (!filePath.startsWith('/')) throw new Error(`SimDisk takes absolute paths, not ${JSON.stringify(filePath)}`);
  const parts = path.posix
    .normalize(filePath)
    .split('/')
    .filter((part) => part !== '');
  if (componentsOf.size >= componentsCachedMax) componentsOf.clear();
  componentsOf.set(filePath, parts);
  return parts;
}

function sitesOf(site: SyncSite): readonly string[] {
  return typeof site === 'string' ? [site] : site;
}

/**
 * An in-memory disk for the deterministic simulator, in the model LazyFS uses: the page
 * cache is apart from the durable state, per file (its bytes) and per directory entry (a
 * name → file). A write, create, rename, link or unlink changes the page cache at once;
 * `datasync`/`sync` of a file makes its bytes durable, not its name; a sync of a directory
 * makes its entries durable, not the files'. `powerLoss` throws away all that is not
 * durable. Hard links work.
 *
 * Each process sees the disk through a `view`; `kill` ends that process: what its
 * operations already did stays in the page cache, the ones in flight take effect or not
 * (see InFlightFate), and none of its promises settles any more. Asynchronous operations
 * complete after a simulated delay, drawn from the world's PRNG (so a run is a function of
 * its seed); the synchronous ones act at once.
 *
 * A sync makes durable what was there when it was issued; syncs at an ignored site
 * (`ignoreSyncs`) succeed and make nothing durable, which is how a test removes one call.
 *
 * Times (mtime, ctime) are not part of the model: a power loss keeps them as they were.
 *
 * Cheap enough for many seeds: a sync takes a copy-on-write snapshot of a file (no copy
 * until the next write below its end) and only the entries changed since the last sync of
 * a directory; a power loss touches only what changed since.
 */
export class SimDisk {
  private readonly root = new SimDir('/');
  private readonly opDelayMs: readonly [number, number];
  private readonly syncDelayMs: readonly [number, number];
  private readonly nowMs: () => number;
  private readonly syncStalls: SimDiskOptions['syncStalls'];
  /** Directories with entries not durable, and files with bytes not durable. */
  private readonly dirtyDirs = new Set<SimDir>();
  private readonly dirtyFiles = new Set<SimFile>();
  private readonly liveViews = new Set<SimDiskView>();
  private ignored = new Set<string>();
  private readonly syncCounts = new Map<string, number>();
  private version = 0;

  constructor(
    readonly world: SimDiskWorld,
    options: SimDiskOptions = {},
  ) {
    this.opDelayMs = options.opDelayMs ?? [0.01, 0.05];
    this.syncDelayMs = options.syncDelayMs ?? [0.1, 1];
    this.nowMs = options.nowMs ?? (() => 0);
    this.syncStalls = options.syncStalls;
  }

  /** The disk as one process lifetime sees it: a FileSystem that `kill` ends. */
  view(): SimDiskView {
    const view = new SimDiskView(this);
    this.liveViews.add(view);
    return view;
  }

  /**
   * From now on, a sync at one of `sites` succeeds and makes nothing durable (a call made
   * for several sites at once is ignored only if all of them are). Replaces the sites
   * given before; `ignoreSyncs([])` heeds every sync again.
   */
  ignoreSyncs(sites: Iterable<string>): void {
    this.ignored = new Set(sites);
  }

  /** Syncs issued at `site` so far, ignored ones included: shows a scenario reaches it. */
  syncCalls(site: string): number {
    return this.syncCounts.get(site) ?? 0;
  }

  /**
   * The power goes: every process dies with its operations in flight lost, and everything
   * not durable is thrown away (but what `options` lets survive). The disk is usable at
   * once through new views.
   */
  powerLoss(options: PowerLossOptions = {}): void {
    this.version++;
    for (const view of [...this.liveViews]) view.kill('lost');
    const writeBack = options.writeBack ?? 0;
    const survives =
      typeof writeBack === 'number' ? () => writeBack > 0 && this.world.rng.chance(writeBack) : writeBack;
    for (const dir of this.dirtyDirs) {
      for (const [name, durable] of dir.undo) {
        if (survives(dir.path, name)) continue;
        if (durable === undefined) dir.entries.delete(name);
        else dir.entries.set(name, durable);
      }
      dir.undo.clear();
    }
    this.dirtyDirs.clear();
    for (const file of this.dirtyFiles) {
      const durable = file.durable;
      if (options.tornTails === true && this.appendedTo(file)) {
        file.durable = { data: file.data, length: durable.length + this.world.rng.below(file.length - durable.length + 1) };
      }
      file.data = file.durable.data;
      file.length = file.durable.length;
      file.frozen = file.durable.length;
    }
    this.dirtyFiles.clear();
  }

  /**
   * Makes everything durable at once, as if every file and directory were synced: sets up
   * a test's starting state. Call it with no sync in flight.
   */
  syncEverything(): void {
    this.version++;
    for (const dir of this.dirtyDirs) {
      dir.undo.clear();
      dir.syncApplied = ++dir.syncsIssued;
    }
    this.dirtyDirs.clear();
    for (const file of this.dirtyFiles) {
      file.durable = this.snapshot(file);
      file.syncApplied = ++file.syncsIssued;
    }
    this.dirtyFiles.clear();
  }

  /** Bumped whenever what a power loss would leave changes: lets a reader cache what it derived from `durableFiles`. */
  get durableVersion(): number {
    return this.version;
  }

  /**
   * What a power loss now would leave of directory `dirPath`: each file in it by name,
   * with its durable bytes; undefined when the directory itself would not survive.
   */
  durableFiles(dirPath: string): Map<string, Buffer> | undefined {
    let node: SimNode | undefined = this.root;
    for (const name of components(dirPath)) {
      if (node?.kind !== 'dir') return undefined;
      node = durableChild(node, name);
    }
    if (node?.kind !== 'dir') return undefined;
    const files = new Map<string, Buffer>();
    for (const name of new Set([...node.entries.keys(), ...node.undo.keys()])) {
      const child = durableChild(node, name);
      if (child?.kind === 'file') files.set(name, child.durable.data.subarray(0, child.durable.length));
    }
    return files;
  }

  /**
   * What a power loss now would leave of the file at `filePath`: its durable bytes, or
   * undefined when its name (or a directory above it) would not survive.
   */
  durableFile(filePath: string): Buffer | undefined {
    let node: SimNode | undefined = this.root;
    for (const name of components(filePath)) {
      if (node?.kind !== 'dir') return undefined;
      node = durableChild(node, name);
    }
    return node?.kind === 'file' ? node.durable.data.subarray(0, node.durable.length) : undefined;
  }

  /** The names in directory `dirPath` as a process sees them now (the page cache); empty when it is not there. */
  cachedNames(dirPath: string): IterableIterator<string> | readonly string[] {
    const node = this.lookupQuietly(dirPath);
    return node?.kind === 'dir' ? node.entries.keys() : [];
  }

  /** Whether a process would find `filePath` now (the page cache). */
  exists(filePath: string): boolean {
    return this.lookupQuietly(filePath) !== undefined;
  }

  private lookupQuietly(filePath: string): SimNode | undefined {
    let node: SimNode | undefined = this.root;
    for (const name of components(filePath)) {
      if (node?.kind !== 'dir') return undefined;
      node = node.entries.get(name);
    }
    return node;
  }

  /** @internal A view's end. */
  forget(view: SimDiskView): void {
    this.liveViews.delete(view);
  }

  /** @internal How long the next operation takes. */
  delayMs(kind: 'op' | 'sync'): number {
    const stalls = this.syncStalls;
    const [lo, hi] = kind === 'op' ? this.opDelayMs : stalls !== undefined && this.world.rng.chance(stalls.share) ? stalls.ms : this.syncDelayMs;
    return this.world.rng.range(lo, hi);
  }

  // ---- names -------------------------------------------------------------------------

  /** @internal The node at `filePath`, or undefined. */
  lookup(filePath: string, syscall: string): SimNode | undefined {
    let node: SimNode = this.root;
    for (const name of components(filePath)) {
      if (node.kind !== 'dir') throw fsError('ENOTDIR', syscall, filePath);
      const next: SimNode | undefined = node.entries.get(name);
      if (next === undefined) return undefined;
      node = next;
    }
    return node;
  }

  /** @internal The node at `filePath`; ENOENT if there is none. */
  existing(filePath: string, syscall: string): SimNode {
    const node = this.lookup(filePath, syscall);
    if (node === undefined) throw fsError('ENOENT', syscall, filePath);
    return node;
  }

  /** @internal The directory that holds (or would hold) `filePath`, and the name in it. */
  parentOf(filePath: string, syscall: string): { readonly dir: SimDir; readonly name: string } {
    const parts = components(filePath);
    const name = parts[parts.length - 1];
    if (name === undefined) throw fsError('EPERM', syscall, filePath);
    let dir: SimNode = this.root;
    for (let i = 0; i < parts.length - 1; i++) {
      if (dir.kind !== 'dir') throw fsError('ENOTDIR', syscall, filePath);
      const next: SimNode | undefined = dir.entries.get(parts[i]!);
      if (next === undefined) throw fsError('ENOENT', syscall, filePath);
      dir = next;
    }
    if (dir.kind !== 'dir') throw fsError('ENOTDIR', syscall, filePath);
    return { dir, name };
  }

  /** @internal Changes one entry in the page cache, remembering its durable value. */
  setEntry(dir: SimDir, name: string, node: SimNode | undefined): void {
    const cached = dir.entries.get(name);
    if (cached === node) return;
    if (!dir.undo.has(name)) dir.undo.set(name, cached);
    else if (dir.undo.get(name) === node) dir.undo.delete(name);
    if (node === undefined) dir.entries.delete(name);
    else dir.entries.set(name, node);
    this.dirtyDirs.add(dir);
    const now = this.nowMs();
    if (cached?.kind === 'file') cached.ctimeMs = now;
    if (node?.kind === 'file') node.ctimeMs = now;
  }

  /** @internal A new, empty file (durably empty: only a sync gives it bytes). */
  newFile(): SimFile {
    return new SimFile(this.nowMs());
  }

  /** @internal */
  mkdirs(filePath: string): string | undefined {
    let dir = this.root;
    let at = '';
    let first: string | undefined;
    for (const name of components(filePath)) {
      at = `${at}/${name}`;
      const next = dir.entries.get(name);
      if (next?.kind === 'file') throw fsError(at === path.posix.normalize(filePath) ? 'EEXIST' : 'ENOTDIR', 'mkdir', filePath);
      if (next !== undefined) {
        dir = next;
        continue;
      }
      const created = new SimDir(at);
      this.setEntry(dir, name, created);
      first ??= at;
      dir = created;
    }
    return first;
  }

  /** @internal Removes a directory's entries, depth first, as `rm -r` unlinks them one by one. */
  emptyDir(dir: SimDir): void {
    for (const [name, child] of [...dir.entries]) {
      if (child.kind === 'dir') this.emptyDir(child);
      this.setEntry(dir, name, undefined);
    }
  }

  // ---- bytes -------------------------------------------------------------------------

  /** @internal Writes `bytes` at `position` of the page cache. */
  writeAt(file: SimFile, position: number, bytes: Uint8Array): void {
    const end = position + bytes.byteLength;
    this.writable(file, Math.min(position, file.length), end);
    if (position > file.length) file.data.fill(0, file.length, position);
    file.data.set(bytes, position);
    file.length = Math.max(file.length, end);
    this.touched(file);
  }

  /** @internal */
  truncate(file: SimFile, length: number): void {
    if (length > file.length) {
      this.writable(file, file.length, length);
      file.data.fill(0, file.length, length);
    }
    file.length = length;
    this.touched(file);
  }

  /** @internal The file's bytes now, without a copy (see SimFile.frozen). */
  snapshot(file: SimFile): Snapshot {
    file.frozen = Math.max(file.frozen, file.length);
    return { data: file.data, length: file.length };
  }

  /** @internal A sync of `site`, issued now: what it will make durable when it completes (undefined if ignored). */
  issueSync(node: SimNode, site: SyncSite): (() => void) | undefined {
    const sites = sitesOf(site);
    for (const name of sites) this.syncCounts.set(name, (this.syncCounts.get(name) ?? 0) + 1);
    if (sites.length > 0 && sites.every((name) => this.ignored.has(name))) return undefined;
    const seq = ++node.syncsIssued;
    if (node.kind === 'file') {
      const snapshot = this.snapshot(node);
      return () => {
        if (seq < node.syncApplied) return;
        this.version++;
        node.syncApplied = seq;
        node.durable = snapshot;
        if (node.data === snapshot.data && node.length === snapshot.length) this.dirtyFiles.delete(node);
      };
    }
    const entries = [...node.undo.keys()].map((name) => [name, node.entries.get(name)] as const);
    return () => {
      if (seq < node.syncApplied) return;
      this.version++;
      node.syncApplied = seq;
      for (const [name, value] of entries) {
        if (node.entries.get(name) === value) node.undo.delete(name);
        else node.undo.set(name, value);
      }
      if (node.undo.size === 0) this.dirtyDirs.delete(node);
    };
  }

  /** Whether the page cache is the durable bytes with more appended (a torn tail may then survive). */
  private appendedTo(file: SimFile): boolean {
    const durable = file.durable;
    if (file.length <= durable.length) return false;
    // the same buffer: a write below the snapshot's end would have copied it first
    if (file.data === durable.data) return true;
    return file.data.subarray(0, durable.length).equals(durable.data.subarray(0, durable.length));
  }

  /** Makes `[from, end)` of the page cache writable: room for `end` bytes, and no snapshot's bytes in the way. */
  private writable(file: SimFile, from: number, end: number): void {
    if (end > file.data.length) {
      const grown = Buffer.alloc(Math.max(end, 2 * file.data.length, 256));
      file.data.copy(grown, 0, 0, file.length);
      file.data = grown;
      file.frozen = 0;
    } else if (from < file.frozen) {
      const copy = Buffer.alloc(file.data.length);
      file.data.copy(copy, 0, 0, file.length);
      file.data = copy;
      file.frozen = 0;
    }
  }

  private touched(file: SimFile): void {
    file.mtimeMs = this.nowMs();
    file.ctimeMs = file.mtimeMs;
    this.dirtyFiles.add(file);
  }

  /** @internal */
  stats(node: SimNode): SimStats {
    return node.kind === 'file'
      ? new SimStats(node.length, node.mtimeMs, node.ctimeMs, false)
      : new SimStats(4096, 0, 0, true);
  }

  /** @internal */
  setTimes(file: SimNode, mtime: Date): void {
    if (file.kind !== 'file') return;
    file.mtimeMs = mtime.getTime();
    file.ctimeMs = this.nowMs();
  }
}

/** An operation of a view that has not completed (a class, not closures: there is one per simulated syscall). */
class InFlight<T = unknown> {
  private pending = true;

  constructor(
    private readonly owner: Set<InFlight>,
    private readonly effect: () => T,
    private readonly resolve: (value: T) => void,
    private readonly reject: (err: Error) => void,
  ) {}

  /** Carries out the operation; settles its promise only if `settle`. */
  complete(settle: boolean): void {
    if (!this.pending) return;
    this.pending = false;
    this.owner.delete(this as InFlight);
    let result: T;
    try {
      result = this.effect();
    } catch (err) {
      if (settle) this.reject(err as Error);
      return;
    }
    if (settle) this.resolve(result);
  }

  /** Forgets it: it never takes effect. */
  drop(): void {
    this.pending = false;
  }

  /** The timer's callback: the operation's time is up. */
  readonly land = (): void => this.complete(true);
}

/**
 * The disk as one process lifetime sees it. `kill()` ends it: its operations in flight
 * take effect or not (see InFlightFate), and from then on none of its promises settles and
 * its synchronous calls throw `SimViewKilledError`.
 */
export class SimDiskView implements FileSystem {
  private killed = false;
  private readonly inFlight = new Set<InFlight>();

  constructor(private readonly disk: SimDisk) {}

  get alive(): boolean {
    return !this.killed;
  }

  kill(inFlight: InFlightFate = 'random'): void {
    if (this.killed) return;
    this.killed = true;
    this.disk.forget(this);
    const pending = [...this.inFlight];
    this.inFlight.clear();
    for (const op of pending) {
      const done = inFlight === 'done' || (inFlight === 'random' && this.disk.world.rng.chance(0.5));
      if (done) op.complete(false);
      else op.drop();
    }
  }

  /** @internal Runs `effect` once the operation's delay has passed; never settles once the view is killed. */
  run<T>(kind: 'op' | 'sync', effect: () => T): Promise<T> {
    if (this.killed) return new Promise<T>(() => undefined);
    return new Promise<T>((resolve, reject) => {
      const op = new InFlight<T>(this.inFlight, effect, resolve, reject);
      this.inFlight.add(op as InFlight);
      this.disk.world.after(this.disk.delayMs(kind), op.land);
    });
  }


  /** @internal */
  now<T>(effect: () => T): T {
    if (this.killed) throw new SimViewKilledError('a killed process made a call');
    return effect();
  }

  open(filePath: string, flags: OpenFlags): Promise<FileSystemHandle> {
    return this.run('op', () => {
      const disk = this.disk;
      if (flags === 'wx') {
        const { dir, name } = disk.parentOf(filePath, 'open');
        if (dir.entries.has(name)) throw fsError('EEXIST', 'open', filePath);
        const file = disk.newFile();
        disk.setEntry(dir, name, file);
        return new SimHandle(this, disk, file, flags, filePath);
      }
      const node = disk.existing(filePath, 'open');
      if (flags === 'r+' && node.kind === 'dir') throw fsError('EISDIR', 'open', filePath);
      return new SimHandle(this, disk, node, flags, filePath);
    });
  }

  mkdir(filePath: string, options: { readonly recursive: true }): Promise<string | undefined> {
    void options;
    return this.run('op', () => this.disk.mkdirs(filePath));
  }

  readdir(filePath: string): Promise<string[]> {
    return this.run('op', () => [...this.dir(filePath, 'scandir').entries.keys()]);
  }

  opendir(filePath: string): Promise<AsyncIterable<DirEntry>> {
    return this.run('op', () => {
      const entries = [...this.dir(filePath, 'opendir').entries].map(([name, node]) => new SimDirEntry(name, node.kind === 'dir'));
      return (async function* () {
        yield* entries;
      })();
    });
  }

  readFile(filePath: string, encoding: 'utf8'): Promise<string> {
    return this.run('op', () => {
      const file = this.file(filePath, 'open');
      return file.data.toString(encoding, 0, file.length);
    });
  }

  writeFile(filePath: string, data: string): Promise<void> {
    return this.run('op', () => {
      const disk = this.disk;
      const { dir, name } = disk.parentOf(filePath, 'open');
      let file = dir.entries.get(name);
      if (file?.kind === 'dir') throw fsError('EISDIR', 'open', filePath);
      if (file === undefined) {
        file = disk.newFile();
        disk.setEntry(dir, name, file);
      }
      disk.truncate(file, 0);
      disk.writeAt(file, 0, Buffer.from(data));
    });
  }

  link(existingPath: string, newPath: string): Promise<void> {
    return this.run('op', () => this.linkNow(existingPath, newPath));
  }

  unlink(filePath: string): Promise<void> {
    return this.run('op', () => this.unlinkNow(filePath));
  }

  rm(filePath: string, options: { readonly force?: boolean; readonly recursive?: boolean }): Promise<void> {
    return this.run('op', () => {
      const disk = this.disk;
      const node = disk.lookup(filePath, 'rm');
      if (node === undefined) {
        if (options.force === true) return;
        throw fsError('ENOENT', 'rm', filePath);
      }
      if (node.kind === 'dir') {
        if (options.recursive !== true) throw fsError('EISDIR', 'rm', filePath);
        disk.emptyDir(node);
      }
      const { dir, name } = disk.parentOf(filePath, 'rm');
      disk.setEntry(dir, name, undefined);
    });
  }

  stat(filePath: string): Promise<FileStats> {
    return this.run('op', () => this.disk.stats(this.disk.existing(filePath, 'stat')));
  }

  renameSync(oldPath: string, newPath: string): void {
    this.now(() => {
      const disk = this.disk;
      const node = disk.existing(oldPath, 'rename');
      if (node.kind === 'dir') throw new Error(`SimDisk does not rename directories (${oldPath})`);
      const from = disk.parentOf(oldPath, 'rename');
      const to = disk.parentOf(newPath, 'rename');
      const replaced = to.dir.entries.get(to.name);
      if (replaced?.kind === 'dir') throw fsError('EISDIR', 'rename', newPath);
      // two names of one file: rename does nothing (POSIX)
      if (replaced === node) return;
      disk.setEntry(to.dir, to.name, node);
      disk.setEntry(from.dir, from.name, undefined);
    });
  }

  linkSync(existingPath: string, newPath: string): void {
    this.now(() => this.linkNow(existingPath, newPath));
  }

  unlinkSync(filePath: string): void {
    this.now(() => this.unlinkNow(filePath));
  }

  statSync(filePath: string, options: { readonly throwIfNoEntry: false }): FileStats | undefined {
    void options;
    return this.now(() => {
      const node = this.disk.lookup(filePath, 'stat');
      return node === undefined ? undefined : this.disk.stats(node);
    });
  }

  utimesSync(filePath: string, atime: Date, mtime: Date): void {
    void atime;
    this.now(() => this.disk.setTimes(this.disk.existing(filePath, 'utime'), mtime));
  }

  readFileSync(filePath: string, encoding: 'utf8'): string {
    return this.now(() => {
      const file = this.file(filePath, 'open');
      return file.data.toString(encoding, 0, file.length);
    });
  }

  private linkNow(existingPath: string, newPath: string): void {
    const disk = this.disk;
    const node = disk.existing(existingPath, 'link');
    if (node.kind === 'dir') throw fsError('EPERM', 'link', existingPath);
    const { dir, name } = disk.parentOf(newPath, 'link');
    if (dir.entries.has(name)) throw fsError('EEXIST', 'link', newPath);
    disk.setEntry(dir, name, node);
  }

  private unlinkNow(filePath: string): void {
    const disk = this.disk;
    const node = disk.existing(filePath, 'unlink');
    if (node.kind === 'dir') throw fsError('EISDIR', 'unlink', filePath);
    const { dir, name } = disk.parentOf(filePath, 'unlink');
    disk.setEntry(dir, name, undefined);
  }

  private dir(filePath: string, syscall: string): SimDir {
    const node = this.disk.existing(filePath, syscall);
    if (node.kind !== 'dir') throw fsError('ENOTDIR', syscall, filePath);
    return node;
  }

  private file(filePath: string, syscall: string): SimFile {
    const node = this.disk.existing(filePath, syscall);
    if (node.kind !== 'file') throw fsError('EISDIR', syscall, filePath);
    return node;
  }
}

/** An open file or directory of one view: its operations end with the view. */
class SimHandle implements FileSystemHandle {
  private position = 0;
  private closed = false;

  constructor(
    private readonly view: SimDiskView,
    private readonly disk: SimDisk,
    private readonly node: SimNode,
    private readonly flags: OpenFlags,
    private readonly filePath: string,
  ) {}

  write(buffer: Uint8Array, offset: number, length: number, position?: number | null): Promise<{ readonly bytesWritten: number }> {
    return this.view.run('op', () => {
      const file = this.open('write');
      if (this.flags === 'r') throw fsError('EBADF', 'write', this.filePath);
      const at = position ?? this.position;
      this.disk.writeAt(file, at, buffer.subarray(offset, offset + length));
      if (position === undefined || position === null) this.position = at + length;
      return { bytesWritten: length };
    });
  }

  read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ readonly bytesRead: number }> {
    return this.view.run('op', () => {
      const file = this.open('read');
      const end = Math.min(position + length, file.length);
      if (end <= position) return { bytesRead: 0 };
      buffer.set(file.data.subarray(position, end), offset);
      return { bytesRead: end - position };
    });
  }

  readFile(): Promise<Buffer> {
    return this.view.run('op', () => {
      const file = this.open('read');
      return Buffer.from(file.data.subarray(this.position, file.length));
    });
  }

  truncate(length: number): Promise<void> {
    return this.view.run('op', () => {
      const file = this.open('ftruncate');
      if (this.flags === 'r') throw fsError('EBADF', 'ftruncate', this.filePath);
      this.disk.truncate(file, length);
    });
  }

  stat(): Promise<FileStats> {
    return this.view.run('op', () => {
      this.check('fstat');
      return this.disk.stats(this.node);
    });
  }

  datasync(site: SyncSite): Promise<void> {
    return this.sync(site);
  }

  sync(site: SyncSite): Promise<void> {
    // a dead process issues nothing; a closed handle fails as node's does
    if (!this.view.alive || this.closed) return this.view.run('op', () => this.check('fsync'));
    const durable = this.disk.issueSync(this.node, site);
    return this.view.run('sync', () => durable?.());
  }

  close(): Promise<void> {
    return this.view.run('op', () => {
      this.check('close');
      this.closed = true;
    });
  }

  private check(syscall: string): void {
    if (this.closed) throw fsError('EBADF', syscall, this.filePath);
  }

  private open(syscall: string): SimFile {
    this.check(syscall);
    if (this.node.kind !== 'file') throw fsError('EISDIR', syscall, this.filePath);
    return this.node;
  }
}

/** The entry `name` of `dir` as a power loss would leave it. */
function durableChild(dir: SimDir, name: string): SimNode | undefined {
  return dir.undo.has(name) ? dir.undo.get(name) : dir.entries.get(name);
}
