/** The message of an error, or the thing thrown as text, for logs and reasons. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
