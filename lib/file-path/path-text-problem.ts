import { limits } from '../limits/limits.js';

// U+0000–U+001F and U+007F: invisible in listings and logs, and NUL ends strings in C and PostgreSQL
const controlCharacter = /[\u0000-\u001f\u007f]/u;
// a lone surrogate has no UTF-8 form: it would be stored as U+FFFD, a different name than the one asked for
const loneSurrogate = /\p{Cs}/u;

/**
 * Why `text` cannot be (part of) a file path, or undefined: the checks shared by a full
 * path and a ListFiles prefix, which must not be normalized (`docs/` and `docs` are
 * different prefixes). `field` names the input in the message.
 */
export function pathTextProblem(text: string, field: string): string | undefined {
  if (text === '') return `the ${field} is empty`;
  // bytes, not characters: the limit bounds storage and index entries, which hold UTF-8
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > limits.pathBytesMax) return `the ${field} is ${bytes} bytes, more than the limit of ${limits.pathBytesMax} bytes (UTF-8)`;
  const control = controlCharacter.exec(text);
  if (control !== null) {
    const code = control[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    return `the ${field} contains the control character U+${code} at index ${control.index}`;
  }
  if (loneSurrogate.test(text)) return `the ${field} is not valid Unicode (it contains a lone surrogate)`;
  if (text.includes('\\')) return `the ${field} contains a backslash; use "/" to separate segments`;
  return undefined;
}
