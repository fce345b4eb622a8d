import { readFileSync, readdirSync } from 'node:fs';
import { basename } from 'node:path';
import { performance } from 'node:perf_hooks';

/** Kernel clock ticks per second for /proc times (USER_HZ, 100 on every Linux we run on). */
const ticksPerS = 100;
/** Other programs named in a run's CPU usage, busiest first. */
const othersNamedMax = 3;

interface ProcessTimes {
  readonly ppid: number;
  /** utime + stime, in seconds. */
  readonly seconds: number;
  /** cutime + cstime: children that exited and were waited for, in seconds. */
  readonly reapedChildrenSeconds: number;
  /** Start time since boot, in ticks: tells a reused pid from the process sampled before. */
  readonly startTicks: number;
}

/** Every process's CPU time at one moment, and the machine's. */
export interface CpuSample {
  readonly atMs: number;
  readonly processes: ReadonlyMap<number, ProcessTimes>;
  /** What each pid is, as far as the run is concerned (bench, coordinator, …, or another program). */
  readonly names: ReadonlyMap<number, string>;
  readonly postmasterPid: number | undefined;
  /** A short command line of every other process, read while it is alive. */
  readonly commands: ReadonlyMap<number, string>;
  /** Whole machine, from /proc/stat, in seconds summed over cores. */
  readonly machine: { readonly busyS: number; readonly iowaitS: number; readonly totalS: number } | undefined;
}

/** CPU used during a window, in % of one core. */
export interface CpuUsage {
  /** By part of the system under test (and the bench itself). */
  readonly byPart: Record<string, number>;
  /** Everything else on the machine (other programs skew a run), and the busiest of it by command. */
  readonly others: number;
  readonly othersTop: readonly { readonly command: string; readonly percent: number }[];
  /** Machine-wide, in % of all cores. */
  readonly machineBusyPercent: number | undefined;
  readonly machineIowaitPercent: number | undefined;
}

/**
 * Reads how much CPU each process used, so a run can say where its time went: the parts
 * of the system under test (found from the bench's process tree, dev-state.json and the
 * postmaster's pid), the bench itself, and whatever else runs on the machine. Linux only;
 * elsewhere the usage is empty.
 *
 * Synchronous on purpose: /proc reads take microseconds, and an async sample taken while
 * 64 uploads keep the event loop busy would stretch over seconds, reading each counter at
 * a different moment than its timestamp says.
 */
export class CpuSampler {
  /** Processes the bench started itself, each counted as a part of its own rather than as the bench's. */
  private readonly ownParts = new Map<number, string>();

  /**
   * @param devPid the `twophase dev` process
   * @param pidsFile dev-state.json: child pids by name (re-read each time: a restarted child has a new pid)
   * @param postmasterPidFile PostgreSQL's postmaster.pid: the cluster is the postmaster, its backends, and
   *   (through the postmaster's reaped-children times) the backends that already exited
   */
  constructor(
    private readonly devPid: number,
    private readonly pidsFile: string,
    private readonly postmasterPidFile: string,
  ) {}

  /**
   * Counts `pid`, a process the bench started (the baseline HTTP server), and its
   * descendants as `part` instead of `bench (client)`, until the returned function is called.
   */
  namePart(pid: number, part: string): () => void {
    this.ownParts.set(pid, part);
    return () => void this.ownParts.delete(pid);
  }

  sample(): CpuSample {
    const processes = new Map<number, ProcessTimes>();
    for (const entry of safeReaddir('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const times = processTimes(Number(entry));
      if (times !== undefined) processes.set(Number(entry), times);
    }
    const atMs = performance.now();
    const machine = machineSeconds();
    const postmaster = Number(readText(this.postmasterPidFile)?.split('\n')[0]);
    const postmasterPid = Number.isInteger(postmaster) && postmaster > 0 ? postmaster : undefined;
    const names = this.name(processes, postmasterPid);
    const commands = new Map<number, string>();
    for (const pid of processes.keys()) if (!names.has(pid)) commands.set(pid, commandOf(pid));
    return { atMs, processes, names, postmasterPid, commands, machine };
  }

  /** CPU used between two samples. */
  static usage(from: CpuSample, to: CpuSample): CpuUsage {
    const wallS = (to.atMs - from.atMs) / 1000;
    const byPart: Record<string, number> = {};
    const byCommand = new Map<string, number>();
    let accountedS = 0;
    for (const [pid, now] of to.processes) {
      const before = from.processes.get(pid);
      const same = before !== undefined && before.startTicks === now.startTicks;
      let usedS = now.seconds - (same ? before.seconds : 0);
      const name = to.names.get(pid);
      // the postmaster's reaped children are backends: theirs is the cluster's time too
      if (pid === to.postmasterPid) usedS += now.reapedChildrenSeconds - (same ? before.reapedChildrenSeconds : 0);
      accountedS += usedS;
      if (name !== undefined) byPart[name] = (byPart[name] ?? 0) + usedS;
      else {
        const command = to.commands.get(pid) ?? 'unknown';
        byCommand.set(command, (byCommand.get(command) ?? 0) + usedS);
      }
    }
    const percent = (s: number): number => (wallS > 0 ? Math.round((1000 * s) / wallS) / 10 : NaN);
    let othersS = [...byCommand.values()].reduce((a, b) => a + b, 0);
    let machineBusyPercent: number | undefined;
    let machineIowaitPercent: number | undefined;
    if (from.machine !== undefined && to.machine !== undefined) {
      const totalS = to.machine.totalS - from.machine.totalS;
      const busyS = to.machine.busyS - from.machine.busyS;
      // processes that came and went within the window are in the machine's total only
      othersS += Math.max(0, busyS - accountedS);
      if (totalS > 0) {
        machineBusyPercent = Math.round((1000 * busyS) / totalS) / 10;
        machineIowaitPercent = Math.round((1000 * (to.machine.iowaitS - from.machine.iowaitS)) / totalS) / 10;
      }
    }
    const othersTop = [...byCommand]
      .sort((a, b) => b[1] - a[1])
      .slice(0, othersNamedMax)
      .filter(([, s]) => percent(s) >= 1)
      .map(([command, s]) => ({ command, percent: percent(s) }));
    return {
      byPart: Object.fromEntries(Object.entries(byPart).map(([name, s]) => [name, percent(s)])),
      others: percent(othersS),
      othersTop,
      machineBusyPercent,
      machineIowaitPercent,
    };
  }

  /** Names the pids that belong to the run: the bench, dev, its children, PostgreSQL, and their helpers. */
  private name(processes: ReadonlyMap<number, ProcessTimes>, postmasterPid: number | undefined): Map<number, string> {
    const names = new Map<number, string>([
      [process.pid, 'bench (client)'],
      [this.devPid, 'dev (supervisor)'],
    ]);
    for (const [name, pid] of Object.entries(readJson(this.pidsFile))) {
      if (typeof pid === 'number') names.set(pid, partOfDevChild(name));
    }
    if (postmasterPid !== undefined) names.set(postmasterPid, postgresPart);
    for (const [pid, part] of this.ownParts) names.set(pid, part);
    // a descendant takes its nearest named ancestor's name: backends are PostgreSQL, esbuild helpers are their node's
    const nameOf = (pid: number, depth: number): string | undefined => {
      const known = names.get(pid);
      if (known !== undefined || depth > 16) return known;
      const ppid = processes.get(pid)?.ppid;
      return ppid === undefined || ppid <= 1 ? undefined : nameOf(ppid, depth + 1);
    };
    for (const pid of processes.keys()) {
      const name = nameOf(pid, 0);
      if (name !== undefined) names.set(pid, name);
    }
    return names;
  }
}

/** The part of CpuUsage.byPart that a child of dev (as dev-state.json names it) is counted in. */
export function partOfDevChild(name: string): string {
  return name === 'postgres' ? 'dev postgres wrapper' : name;
}

/** The part of CpuUsage.byPart that the PostgreSQL server (postmaster and backends) is counted in. */
export const postgresPart = 'postgresql server';

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function readJson(path: string): Record<string, unknown> {
  try {
    return JSON.parse(readText(path) ?? '{}') as Record<string, unknown>;
  } catch {
    return {};
  }
}

function safeReaddir(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}

function processTimes(pid: number): ProcessTimes | undefined {
  const text = readText(`/proc/${pid}/stat`);
  if (text === undefined) return undefined;
  // the command name may hold spaces and parentheses: split after its last `)`. Then
  // state is [0], ppid [1], utime [11], stime [12], cutime [13], cstime [14], starttime [19]
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return {
    ppid: Number(f[1]),
    seconds: (Number(f[11]) + Number(f[12])) / ticksPerS,
    reapedChildrenSeconds: (Number(f[13]) + Number(f[14])) / ticksPerS,
    startTicks: Number(f[19]),
  };
}

/** A short name of another program: its command line's first words, or its kernel name for a kernel thread. */
function commandOf(pid: number): string {
  const words = (readText(`/proc/${pid}/cmdline`) ?? '').split('\0').filter((w) => w !== '');
  if (words.length === 0) {
    const stat = readText(`/proc/${pid}/stat`);
    const comm = stat === undefined ? 'exited' : stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    // kworker/1:0H-kblockd and friends: one row for every kernel thread of a kind
    return `[${comm.replace(/[/:].*$/, '')}]`;
  }
  return words
    .slice(0, 3)
    .map((w) => (w.startsWith('/') ? basename(w) : w))
    .join(' ')
    .slice(0, 40);
}

function machineSeconds(): CpuSample['machine'] {
  const line = readText('/proc/stat')
    ?.split('\n')
    .find((l) => l.startsWith('cpu '));
  if (line === undefined) return undefined;
  // user nice system idle iowait irq softirq steal (guest time is already inside user)
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const busy = user + nice + system + irq + softirq + steal;
  return { busyS: busy / ticksPerS, iowaitS: iowait / ticksPerS, totalS: (busy + idle + iowait) / ticksPerS };
}
