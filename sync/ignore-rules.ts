import picomatch from 'picomatch';
import { syncDirName } from './sync-state.js';

/**
 * Names that are never synced unless told otherwise: editors' swap, backup and lock files,
 * downloads and copies still being written, the desktop's own files. A pattern without a
 * `/` is matched against a path's last name, one with a `/` against the whole relative path.
 */
export const defaultIgnorePatterns: readonly string[] = [
  '*.swp',
  '*.swx',
  '*.swo',
  '*~',
  '.#*',
  '#*#',
  '~$*',
  '.~lock.*#',
  '4913',
  '*.tmp',
  '*.temp',
  '*.part',
  '*.partial',
  '*.crdownload',
  '*.download',
  '.DS_Store',
  'Thumbs.db',
  'desktop.ini',
];

/**
 * Which relative paths `twophase sync` leaves alone: its own directory always, the default
 * patterns unless `noDefaults`, and each `--ignore` pattern (glob syntax: `*`, `**`, `?`,
 * `[…]`, `{a,b}`), both ways: an ignored file is neither uploaded nor downloaded.
 */
export class IgnoreRules {
  private readonly matches: (relativePath: string) => boolean;

  constructor(
    readonly patterns: readonly string[],
    noDefaults = false,
  ) {
    const all = [...(noDefaults ? [] : defaultIgnorePatterns), ...patterns];
    this.matches = all.length === 0 ? () => false : picomatch(all, { dot: true, basename: true });
  }

  ignores(relativePath: string): boolean {
    if (relativePath === syncDirName || relativePath.startsWith(`${syncDirName}/`)) return true;
    return this.matches(relativePath);
  }
}
