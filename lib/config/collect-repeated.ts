/** A commander argParser for an option given more than once: each value appended to the list. */
export function collectRepeated(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
