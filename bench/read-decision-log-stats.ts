import { readFile } from 'node:fs/promises';

/** What the coordinator logs as `decision log stats` when it stops (SIGTERM). */
export interface DecisionLogStats {
  /** fdatasyncs of the decision log. */
  readonly syncs: number;
  /** COMMIT records made durable by those syncs. */
  readonly syncedCommits: number;
  /** syncedCommits / syncs: how many decisions shared one fdatasync (group commit). */
  readonly commitsPerSync: number;
  /** Decisions taken since the coordinator started. */
  readonly commits?: number;
  readonly aborts?: number;
}

/**
 * The last `decision log stats` line of a coordinator log (JSON lines), or undefined when
 * there is none: the coordinator logs it as a lifecycle line (at every level but silent),
 * and one that was killed rather than stopped never writes it.
 */
export async function readDecisionLogStats(logFile: string): Promise<DecisionLogStats | undefined> {
  const text = await readFile(logFile, 'utf8').catch(() => '');
  let found: DecisionLogStats | undefined;
  for (const line of text.split('\n')) {
    if (!line.includes('"decision log stats"')) continue;
    try {
      const entry = JSON.parse(line) as Record<string, unknown>;
      if (entry.msg !== 'decision log stats' || typeof entry.syncs !== 'number' || typeof entry.syncedCommits !== 'number') continue;
      found = {
        syncs: entry.syncs,
        syncedCommits: entry.syncedCommits,
        commitsPerSync: entry.syncs === 0 ? 0 : entry.syncedCommits / entry.syncs,
        ...(typeof entry.commits === 'number' ? { commits: entry.commits } : {}),
        ...(typeof entry.aborts === 'number' ? { aborts: entry.aborts } : {}),
      };
    } catch {
      // a line cut short (the process stopped mid-write) is not the one we want
    }
  }
  return found;
}
