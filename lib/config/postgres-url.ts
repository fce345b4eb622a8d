/** Whether `value` is a `postgres://` (or `postgresql://`) URL, as node-postgres takes them. */
export function isPostgresUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'postgres:' || url.protocol === 'postgresql:';
  } catch {
    return false;
  }
}
