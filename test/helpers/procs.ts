/** Processes seen through /proc (Linux): their state and group, and whether they are gone. */
import { readdirSync, readFileSync } from 'node:fs';

/** The process group, parent and state of a pid (undefined once it is gone). */
export function procStat(pid: number): { pgrp: number; ppid: number; state: string } | undefined {
  try {
    // pid (comm) state ppid pgrp ...: comm may hold spaces, so split after its closing parenthesis.
    const fields = readFileSync(`/proc/${pid}/stat`, 'latin1').replace(/^.*\) /s, '').split(' ');
    return { state: fields[0]!, ppid: Number(fields[1]), pgrp: Number(fields[2]) };
  } catch {
    return undefined;
  }
}

/** Gone: no such process, or a zombie waiting for whoever adopted it to reap it. */
export function gone(pid: number): boolean {
  const stat = procStat(pid);
  return stat === undefined || stat.state === 'Z' || stat.state === 'X';
}

/** The processes below `pid`: its children, theirs, and so on. */
export function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = procStat(Number(name));
    if (stat !== undefined) parentOf.set(Number(name), stat.ppid);
  }
  const below = new Set<number>();
  for (let added = true; added; ) {
    added = false;
    for (const [child, parent] of parentOf) {
      if ((parent === pid || below.has(parent)) && !below.has(child)) {
        below.add(child);
        added = true;
      }
    }
  }
  return [...below];
}

export async function until(check: () => boolean, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return check();
}
