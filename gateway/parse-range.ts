/** A satisfiable single byte range, or why it is not. Multi-range requests are answered whole (RFC 9110 allows it). */
export type RangeResult =
  | { readonly kind: 'none' }
  | { readonly kind: 'range'; readonly offset: number; readonly length: number }
  | { readonly kind: 'unsatisfiable' };

/** Parses `Range: bytes=a-b`, `bytes=a-`, `bytes=-n` against an object of `size` bytes. */
export function parseRange(header: string | undefined, size: number): RangeResult {
  if (header === undefined) return { kind: 'none' };
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (m === null) return { kind: 'none' };
  const [, first = '', last = ''] = m;
  if (first === '' && last === '') return { kind: 'none' };
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
    const length = Math.min(suffix, size);
    return { kind: 'range', offset: size - length, length };
  }
  const offset = Number(first);
  // last-pos before first-pos is an invalid range (RFC 9110 §14.1.1): the header is ignored
  if (last !== '' && Number(last) < offset) return { kind: 'none' };
  if (offset >= size) return { kind: 'unsatisfiable' };
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  return { kind: 'range', offset, length: end - offset + 1 };
}
