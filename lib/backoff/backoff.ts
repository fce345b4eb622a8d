/**
 * Capped exponential backoff with a jitter of up to ±25% derived from `key` (the tx, the
 * peer, the attempt), so retries of many txs to one recovering peer spread out while
 * the protocol cores stay deterministic: no Math.random.
 */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, key: string): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30));
  const jitter = (fnv1a(`${key}/${attempt}`) % 501) / 1000 - 0.25;
  return Math.max(1, Math.round(exp * (1 + jitter)));
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
