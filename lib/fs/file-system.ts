/**
 * The file system as the decision log and the blob store see it: exactly the operations
 * they use, so that production passes `node:fs` (`nodeFileSystem`) and a deterministic
 * simulator passes a disk whose page cache is apart from its durable state.
 *
 * Errors follow node's: a failed operation rejects (or, for the synchronous ones, throws)
 * an `Error` whose `code` is the errno name (`ENOENT`, `EEXIST`, `ENOTDIR`, `EISDIR`, …).
 *
 * Every durability call names its call site (`SyncSite`). The real file system ignores the
 * name; a simulated one counts the calls per site and can be told to ignore a site, which
 * is how a test shows that the call at that site is needed.
 */

/**
 * The name of the code that makes a durability call, e.g. `'log.segment.datasync'`: one
 * name per call site, so that each can be switched off alone. A call made once on behalf
 * of callers at several sites (a group commit shared by them) names all of them; it is
 * ignored only if every site it names is.
 */
export type SyncSite = string | readonly string[];

/** What a stat reports; node's `fs.Stats` is one. */
export interface FileStats {
  readonly size: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
  isFile(): boolean;
  isDirectory(): boolean;
}

/** One entry of a directory listing; node's `fs.Dirent` is one. */
export interface DirEntry {
  readonly name: string;
  isDirectory(): boolean;
}

/**
 * How a file is opened: `r` reads (a directory too, to sync it), `r+` reads and writes an
 * existing file, `wx` creates a new file (`EEXIST` if the name is taken).
 */
export type OpenFlags = 'r' | 'r+' | 'wx';

/** An open file or directory; node's `fs.promises.FileHandle` is one. */
export interface FileSystemHandle {
  /**
   * Writes `length` bytes of `buffer` from `offset`, at `position` or, when it is absent or
   * null, at the handle's own position (which then advances). May write fewer bytes.
   */
  write(buffer: Uint8Array, offset: number, length: number, position?: number | null): Promise<{ readonly bytesWritten: number }>;
  /** Reads up to `length` bytes at `position` into `buffer` from `offset`; 0 bytes at the end of the file. */
  read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ readonly bytesRead: number }>;
  /** The whole content of the file. */
  readFile(): Promise<Buffer>;
  /** Cuts the file to `length` bytes (or extends it with zeros). Not durable until a sync. */
  truncate(length: number): Promise<void>;
  stat(): Promise<FileStats>;
  /**
   * fdatasync: the file's content (and its size) is durable on return. Not its name: that
   * takes a sync of the directory holding it.
   */
  datasync(site: SyncSite): Promise<void>;
  /**
   * fsync: as `datasync`, with the file's metadata. On a directory's handle, the
   * directory's entries (creations, renames, links, unlinks in it) are durable on return.
   */
  sync(site: SyncSite): Promise<void>;
  close(): Promise<void>;
}

export interface FileSystem {
  /** Opens a file or (flags `r`) a directory. */
  open(path: string, flags: OpenFlags): Promise<FileSystemHandle>;
  /** Creates the directory and any missing parents; resolves to the first one created, or undefined when it existed. */
  mkdir(path: string, options: { readonly recursive: true }): Promise<string | undefined>;
  /** The names in a directory. */
  readdir(path: string): Promise<string[]>;
  /** The entries of a directory, one at a time. */
  opendir(path: string): Promise<AsyncIterable<DirEntry>>;
  readFile(path: string, encoding: 'utf8'): Promise<string>;
  /** Creates or truncates the file and writes `data` (not durable until a sync). */
  writeFile(path: string, data: string): Promise<void>;
  /** A second name for an existing file (`EEXIST` if `newPath` is taken). */
  link(existingPath: string, newPath: string): Promise<void>;
  unlink(path: string): Promise<void>;
  /** Removes a file, or with `recursive` a directory and all in it; with `force` a missing path is no error. */
  rm(path: string, options: { readonly force?: boolean; readonly recursive?: boolean }): Promise<void>;
  stat(path: string): Promise<FileStats>;

  /*
   * Name operations run synchronously: they wait for no device, and a round trip through
   * the thread pool costs more than the syscall (the blob store's hot path relies on it).
   */

  /** Renames, replacing a file at `newPath`. */
  renameSync(oldPath: string, newPath: string): void;
  linkSync(existingPath: string, newPath: string): void;
  unlinkSync(path: string): void;
  /** undefined when nothing is at `path`. */
  statSync(path: string, options: { readonly throwIfNoEntry: false }): FileStats | undefined;
  utimesSync(path: string, atime: Date, mtime: Date): void;
  /**
   * The content of a small file, read synchronously: for a recovery that reads thousands of
   * them (one marker per prepared blob branch) before the process serves anything, where a
   * thread-pool round trip per open, stat, read and close cost 20 times the syscalls.
   */
  readFileSync(path: string, encoding: 'utf8'): string;
}
