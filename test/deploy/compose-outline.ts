/** The shape of a compose file read from its text alone: its sections and their blocks. */
export interface ComposeOutline {
  /** Keys at the top level, in file order. */
  readonly topLevelKeys: readonly string[];
  /** Each key under `services:`, with the text of its block (its lines, the key's own first). */
  readonly services: ReadonlyMap<string, string>;
  /** Each key under the top-level `volumes:`. */
  readonly volumes: readonly string[];
}

const topLevelKey = /^([A-Za-z0-9_.-]+):/;
const childKey = /^ {2}([A-Za-z0-9_.-]+):/;

/**
 * Splits a compose file into its top-level sections and their two-space-indented keys,
 * without a YAML parser (no YAML library is installed): enough to find each service's
 * block, not to read values. The structured checks are left to docker-compose itself.
 * Throws where the file is not laid out as that expects, rather than misreading it.
 */
export function composeOutline(text: string): ComposeOutline {
  const topLevelKeys: string[] = [];
  const sections = new Map<string, Map<string, string[]>>();
  let section: Map<string, string[]> | undefined;
  let block: string[] | undefined;
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const top = topLevelKey.exec(line);
    if (top?.[1] !== undefined) {
      topLevelKeys.push(top[1]);
      section = new Map();
      sections.set(top[1], section);
      block = undefined;
      continue;
    }
    const child = childKey.exec(line);
    if (child?.[1] !== undefined && section !== undefined) {
      block = [line];
      section.set(child[1], block);
      continue;
    }
    if (block === undefined) throw new Error(`compose file line ${index + 1} is not under a two-space-indented key: ${line}`);
    block.push(line);
  }
  const blocks = (name: string): Map<string, string[]> => sections.get(name) ?? new Map<string, string[]>();
  return {
    topLevelKeys,
    services: new Map([...blocks('services')].map(([name, lines]) => [name, lines.join('\n')])),
    volumes: [...blocks('volumes').keys()],
  };
}
