/**
 * Processes started for a test, found through /proc (Linux): those whose environment carries a
 * marker variable the test gave its functions, and those whose parent is this process. Used to
 * check that a run leaves no child behind.
 */
import { readdirSync, readFileSync } from 'node:fs';

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return undefined;
  }
}

function pids(): number[] {
  return readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number);
}

/** Live (not zombie) processes whose environment has `name=value`. */
export function processesWithEnv(name: string, value: string): number[] {
  const wanted = `${name}=${value}`;
  return pids().filter((pid) => {
    const state = /^\d+ \(.*\) (\S)/.exec(read(`/proc/${pid}/stat`) ?? '')?.[1];
    if (state === undefined || state === 'Z') return false;
    return (read(`/proc/${pid}/environ`) ?? '').split('\0').includes(wanted);
  });
}

/** Live children of this process whose command line contains `text`. */
export function childrenMatching(text: string): number[] {
  return pids().filter((pid) => {
    const stat = /^\d+ \(.*\) (\S) (\d+)/.exec(read(`/proc/${pid}/stat`) ?? '');
    if (stat === null || stat[1] === 'Z' || Number(stat[2]) !== process.pid) return false;
    return (read(`/proc/${pid}/cmdline`) ?? '').includes(text);
  });
}
