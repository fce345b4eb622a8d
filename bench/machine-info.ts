import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface MachineInfo {
  readonly nproc: number;
  readonly cpuModel: string;
  readonly memTotalBytes: number;
  readonly node: string;
  readonly kernel: string;
  /** The commit measured (with `-dirty` when the tree has changes), when run from a git checkout. */
  readonly gitCommit: string | undefined;
}

/** What the numbers were measured on: results only compare on the same machine. */
export function machineInfo(repoDir: string): MachineInfo {
  return {
    nproc: os.availableParallelism(),
    cpuModel: cpuModel(),
    memTotalBytes: os.totalmem(),
    node: process.version,
    kernel: `${os.type()} ${os.release()}`,
    gitCommit: gitCommit(repoDir),
  };
}

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line !== undefined) return line.slice(line.indexOf(':') + 1).trim();
  } catch {
    // not Linux: fall back to what Node knows
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

function gitCommit(repoDir: string): string | undefined {
  try {
    const run = (args: string[]): string => execFileSync('git', args, { cwd: repoDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const commit = run(['rev-parse', '--short', 'HEAD']);
    return run(['status', '--porcelain']) === '' ? commit : `${commit}-dirty`;
  } catch {
    return undefined;
  }
}
