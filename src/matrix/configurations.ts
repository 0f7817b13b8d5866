/**
 * The configurations of a matrix and the order they run in. Pure: no network, no clock.
 */
import type { MatrixConfig } from '../profile/types.js';

export type Architecture = 'x86_64' | 'arm64';

export interface Configuration {
  /** Short, file-name safe label: `m512-arm64`, `orders-py-m1024`, `env-big`. */
  id: string;
  /** Function name, ARN or name:alias that this configuration invokes. */
  function: string;
  /** Settings to apply; absent = leave as the function has it. */
  memoryMB?: number;
  architecture?: Architecture;
  environment?: { name: string; variables: Record<string, string> };
}

/** Every combination of the lists given: functions x memory x architecture x environment. */
export function expandMatrix(matrix: MatrixConfig, defaultFunction: string): Configuration[] {
  const functions: (string | undefined)[] = matrix.functions ?? [undefined];
  const memories: (number | undefined)[] = matrix.memoryMB ?? [undefined];
  const architectures: (Architecture | undefined)[] = matrix.architectures ?? [undefined];
  const environments = matrix.environments === undefined ? [undefined] : Object.entries(matrix.environments);
  const out: Configuration[] = [];
  for (const fn of functions) {
    for (const memoryMB of memories) {
      for (const architecture of architectures) {
        for (const env of environments) {
          const config: Configuration = { id: '', function: fn ?? defaultFunction };
          if (memoryMB !== undefined) config.memoryMB = memoryMB;
          if (architecture !== undefined) config.architecture = architecture;
          if (env !== undefined) config.environment = { name: env[0], variables: env[1] };
          config.id = configurationId(config, fn !== undefined);
          out.push(config);
        }
      }
    }
  }
  return out;
}

function configurationId(c: Configuration, namedFunction: boolean): string {
  const parts: string[] = [];
  if (namedFunction) parts.push(fileSafe(shortFunctionName(c.function)));
  if (c.memoryMB !== undefined) parts.push(`m${c.memoryMB}`);
  if (c.architecture !== undefined) parts.push(c.architecture === 'arm64' ? 'arm64' : 'x86');
  if (c.environment !== undefined) parts.push(`env-${c.environment.name}`);
  return parts.join('-');
}

/** `arn:aws:lambda:r:a:function:orders:live` -> `orders:live`; a name stays as it is. */
export function shortFunctionName(name: string): string {
  return name.startsWith('arn:') ? name.split(':').slice(6).join(':') : name;
}

function fileSafe(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '_');
}

export interface Slot {
  /** From 0. */
  round: number;
  config: Configuration;
  /** Forced cold starts to measure in this slot. */
  coldStarts: number;
}

/**
 * The run order. Round r runs every configuration, forwards when r is even and backwards when it
 * is odd (A B C, C B A, ...). Over each pair of rounds every configuration's mean position is
 * the same, (n - 1) / 2, so a drift that is linear in time (a warming cache, a neighbour's load)
 * adds the same amount to every configuration instead of favouring the ones that run first.
 * The forced cold starts are spread over the rounds the same way.
 */
export function runOrder(configs: readonly Configuration[], rounds: number, coldStarts: number): Slot[] {
  const slots: Slot[] = [];
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? configs : [...configs].reverse();
    const share = coldStartsInRound(coldStarts, rounds, round);
    for (const config of order) slots.push({ round, config, coldStarts: share });
  }
  return slots;
}

/** N spread over R rounds as evenly as integers allow: floor(N(r+1)/R) - floor(Nr/R). */
export function coldStartsInRound(total: number, rounds: number, round: number): number {
  return Math.floor((total * (round + 1)) / rounds) - Math.floor((total * round) / rounds);
}
