/**
 * Durations as users write them: `500ms`, `30s`, `2m`, `1h`, or a sum such as `1m30s`.
 * A bare number (in YAML, `timeout: 30`, or the text "30") means seconds.
 * Everything inside coldbench is milliseconds.
 */

const MS_PER_UNIT: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** One `<number><unit>` term; the whole text must be a sequence of them. */
const TERM = /(\d+(?:\.\d+)?|\.\d+)(ms|s|m|h)/gy;
const BARE_NUMBER = /^(\d+(?:\.\d+)?|\.\d+)$/;

/** Milliseconds, or undefined when the text is not a duration (negative, empty, unknown unit). */
export function parseDuration(text: string | number): number | undefined {
  if (typeof text === 'number') {
    return Number.isFinite(text) && text >= 0 ? text * 1000 : undefined;
  }
  const trimmed = text.trim();
  if (BARE_NUMBER.test(trimmed)) return Number(trimmed) * 1000;
  if (trimmed === '') return undefined;
  TERM.lastIndex = 0;
  let totalMs = 0;
  let consumed = 0;
  for (let match = TERM.exec(trimmed); match !== null; match = TERM.exec(trimmed)) {
    totalMs += Number(match[1]) * (MS_PER_UNIT[match[2] ?? ''] ?? Number.NaN);
    consumed = TERM.lastIndex;
  }
  return consumed === trimmed.length && Number.isFinite(totalMs) ? totalMs : undefined;
}

/**
 * The shortest text that parseDuration reads back as the same value (to the microsecond):
 * 500 -> "500ms", 1500 -> "1.5s", 90000 -> "1m30s", 7200000 -> "2h".
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(ms);
  if (rest < 1000) return `${sign}${trimNumber(rest)}ms`;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = trimNumber(rest / 1000);
  const parts = [
    hours > 0 ? `${hours}h` : '',
    minutes > 0 ? `${minutes}m` : '',
    seconds !== '0' ? `${seconds}s` : '',
  ];
  return sign + parts.join('');
}

/** At most three decimals (microseconds for ms, milliseconds for seconds), no trailing zeros. */
function trimNumber(value: number): string {
  return String(Math.round(value * 1000) / 1000);
}
