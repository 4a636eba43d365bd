/**
 * CPU time of a process tree, from Linux's /proc: the web bench runs on machines shared with
 * other work, where a wall-clock figure alone says more about the neighbours than about the
 * code. Summed over every descendant of `root` (Chromium's browser, renderer and utility
 * processes, with all their threads: a worker and WebCrypto's thread pool live in the
 * renderer), in milliseconds. Undefined where /proc is absent.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on every Linux ABI Node runs on

interface Stat {
  readonly pid: number;
  readonly ppid: number;
  readonly ticks: number;
}

function statOf(pid: string): Stat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // proc(5): state ppid … utime (14) stime (15); here indices shift by 3 (pid, comm, state).
    return { pid: Number(pid), ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined; // the process ended while we read
  }
}

export function treeCpuMs(root: number = process.pid): number | undefined {
  if (!existsSync('/proc/self/stat')) return undefined;
  const stats = readdirSync('/proc')
    .filter((name) => /^[0-9]+$/.test(name))
    .flatMap((name) => statOf(name) ?? []);
  const children = new Map<number, Stat[]>();
  for (const s of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
  let ticks = 0;
  const walk = (pid: number) => {
    for (const child of children.get(pid) ?? []) {
      ticks += child.ticks;
      walk(child.pid);
    }
  };
  walk(root);
  return (ticks * 1000) / TICKS_PER_SECOND;
}
