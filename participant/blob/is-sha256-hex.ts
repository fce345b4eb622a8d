const sha256HexPattern = /^[0-9a-f]{64}$/;

/**
 * Object names are lower-case hex SHA-256 only: they become paths under `objects/`, so
 * anything else could name a file outside it, and one spelling per digest keeps
 * deduplication exact.
 */
export function isSha256Hex(value: string): boolean {
  return sha256HexPattern.test(value);
}
