import { limits } from '../limits/limits.js';
import { InvalidPathError } from './invalid-path-error.js';
import { pathTextProblem } from './path-text-problem.js';

/**
 * The canonical form of a client's file path: `/`-separated segments, no empty ones
 * (duplicate, leading and trailing `/` are dropped), so `docs//a.txt/` and `docs/a.txt`
 * name one file. Throws `InvalidPathError` for what no canonical form can fix:
 * `.`/`..` segments (traversal: the gateway and the blob store may map paths onto a
 * filesystem, and a path must never reach outside its namespace), backslashes (a
 * separator on Windows, so `a\..\b` would be traversal there), control characters,
 * and lengths past `limits.pathBytesMax` / `limits.pathSegmentBytesMax` in UTF-8.
 */
export function normalizePath(path: string): string {
  const problem = pathTextProblem(path, 'path');
  if (problem !== undefined) throw new InvalidPathError(problem);
  const segments = path.split('/').filter((segment) => segment !== '');
  if (segments.length === 0) throw new InvalidPathError('the path names no file (it is empty or only slashes)');
  for (const segment of segments) {
    if (segment === '.' || segment === '..') {
      throw new InvalidPathError(`${JSON.stringify(shorten(path))} has a "${segment}" segment (path traversal is not allowed)`);
    }
    const bytes = Buffer.byteLength(segment, 'utf8');
    if (bytes > limits.pathSegmentBytesMax) {
      throw new InvalidPathError(`a segment is ${bytes} bytes, more than the limit of ${limits.pathSegmentBytesMax} bytes (UTF-8)`);
    }
  }
  return segments.join('/');
}

function shorten(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
