import { createHash } from 'node:crypto';

/** The fields a write of `text` carries: its SHA-256 and size, and a content type. */
export function fileContent(text: string): { readonly sha256: string; readonly size: number; readonly contentType: string } {
  const bytes = Buffer.from(text, 'utf8');
  return { sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length, contentType: 'text/plain' };
}
