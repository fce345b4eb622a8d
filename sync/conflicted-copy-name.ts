import path from 'node:path/posix';

/**
 * The name a local edit gets when it lost a conflict: `name (conflicted copy HOST
 * YYYY-MM-DD HHMMSS).ext` beside the file, in UTC; ` 2`, ` 3`, … after the time when that
 * name is taken. The extension is what follows the last dot of the name, unless the dot
 * is its first character (`.bashrc` has none); `taken` says whether a name is in use.
 */
export function conflictedCopyName(relativePath: string, host: string, at: Date, taken: (candidate: string) => boolean): string {
  const dir = path.dirname(relativePath);
  const base = path.basename(relativePath);
  const dot = base.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [base.slice(0, dot), base.slice(dot)] : [base, ''];
  const pad = (n: number): string => String(n).padStart(2, '0');
  const stamp = `${at.getUTCFullYear()}-${pad(at.getUTCMonth() + 1)}-${pad(at.getUTCDate())} ${pad(at.getUTCHours())}${pad(at.getUTCMinutes())}${pad(at.getUTCSeconds())}`;
  const safeHost = host.replace(/[^A-Za-z0-9._-]/g, '-') || 'host';
  for (let n = 1; ; n += 1) {
    const name = `${stem} (conflicted copy ${safeHost} ${stamp}${n === 1 ? '' : ` ${n}`})${ext}`;
    const candidate = dir === '.' ? name : `${dir}/${name}`;
    if (!taken(candidate)) return candidate;
  }
}

/** Whether a path is a conflicted copy made by conflictedCopyName (of any host and time). */
export function isConflictedCopy(relativePath: string): boolean {
  return / \(conflicted copy [A-Za-z0-9._-]+ \d{4}-\d{2}-\d{2} \d{6}( \d+)?\)(\.[^/]*)?$/.test(relativePath);
}
