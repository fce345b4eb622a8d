import { limits } from '../limits/limits.js';

const namespacePattern = new RegExp(`^[A-Za-z0-9._-]{1,${limits.namespaceLengthMax}}$`);

/**
 * Why `namespace` is refused, or undefined when it is valid. A namespace becomes a
 * directory name and a URL segment in the gateway, so it is kept to characters that
 * need no escaping anywhere, and `.`/`..` are refused because they mean something to
 * every path resolver.
 */
export function namespaceProblem(namespace: string): string | undefined {
  if (namespace === '.' || namespace === '..') return `namespace ${JSON.stringify(namespace)} is reserved`;
  if (namespacePattern.test(namespace)) return undefined;
  const shown = JSON.stringify(namespace.length > 80 ? `${namespace.slice(0, 80)}…` : namespace);
  return `namespace ${shown}: expected 1 to ${limits.namespaceLengthMax} characters of [A-Za-z0-9._-]`;
}
