/**
 * CPU time of a process tree during one step, from Linux's /proc: the web bench runs on
 * machines shared with other work, where a wall-clock figure alone says more about the
 * neighbours than about the code. Every thread of every descendant of `root` (Chromium's
 * browser, renderer and utility processes; a worker and its fan-out workers are threads of
 * the renderer) is read from its schedstat (nanoseconds on a CPU) every few milliseconds, so
 * that a fan-out worker ended within the step is still counted. Two figures:
 * - total: all of Chromium's CPU time in the step;
 * - busiest thread: the one thread that ran longest, i.e. how long the step would take on an
 *   idle machine with a core per thread, since the work of one thread cannot overlap itself.
 * Undefined where /proc is absent.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';

export interface CpuFigures {
  readonly totalMs: number;
  readonly busiestThreadMs: number;
  readonly busiestThread: string;
}

export interface CpuSampler {
  stop(): CpuFigures | undefined;
}

const SAMPLE_MS = 10;

function descendants(root: number): number[] {
  const parents = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(name)]);
    } catch {
      // the process ended while we read
    }
  }
  const out: number[] = [];
  const walk = (pid: number) => {
    for (const child of parents.get(pid) ?? []) {
      out.push(child);
      walk(child);
    }
  };
  walk(root);
  return out;
}

/** Each thread's nanoseconds on a CPU, by "pid/tid", with its name. */
function threadTimes(pids: readonly number[]): Map<string, { name: string; ns: number }> {
  const out = new Map<string, { name: string; ns: number }>();
  for (const pid of pids) {
    let tids: string[];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      try {
        const ns = Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
        const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
        out.set(`${pid}/${tid}`, { name, ns });
      } catch {
        // the thread ended while we read
      }
    }
  }
  return out;
}

export function startCpuSampler(root: number = process.pid): CpuSampler {
  if (!existsSync('/proc/self/schedstat')) return { stop: () => undefined };
  const pids = descendants(root);
  const first = threadTimes(pids);
  const last = new Map(first);
  const sample = () => {
    for (const [key, value] of threadTimes(pids)) last.set(key, value);
  };
  const timer = setInterval(sample, SAMPLE_MS);
  return {
    stop() {
      clearInterval(timer);
      sample();
      let total = 0;
      let busiest = { name: '', ns: 0 };
      for (const [key, { name, ns }] of last) {
        const spent = ns - (first.get(key)?.ns ?? 0);
        total += spent;
        if (spent > busiest.ns) busiest = { name, ns: spent };
      }
      return { totalMs: total / 1e6, busiestThreadMs: busiest.ns / 1e6, busiestThread: busiest.name };
    },
  };
}
