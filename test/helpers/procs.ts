/** Processes seen through /proc (Linux): their state and group, and whether they are gone. */
import { readFileSync } from 'node:fs';

/** The process group and state of a pid (undefined once it is gone). */
export function procStat(pid: number): { pgrp: number; state: string } | undefined {
  try {
    // pid (comm) state ppid pgrp ...: comm may hold spaces, so split after its closing parenthesis.
    const fields = readFileSync(`/proc/${pid}/stat`, 'latin1').replace(/^.*\) /s, '').split(' ');
    return { state: fields[0]!, pgrp: Number(fields[2]) };
  } catch {
    return undefined;
  }
}

/** Gone: no such process, or a zombie waiting for whoever adopted it to reap it. */
export function gone(pid: number): boolean {
  const stat = procStat(pid);
  return stat === undefined || stat.state === 'Z' || stat.state === 'X';
}

export async function until(check: () => boolean, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return check();
}
