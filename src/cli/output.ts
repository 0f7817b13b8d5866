import { MIN_MASKED_LENGTH, redact } from '../profile/redact.js';
import type { LoadedProfile } from '../profile/types.js';
import { redactRecord } from '../result/redact-record.js';
import type { TerminalCaps } from '../report/terminal.js';

/**
 * What a terminal can show: ASCII only when NO_COLOR is set (https://no-color.org), TERM is
 * dumb or the locale is not UTF-8 (no locale at all is taken as UTF-8, as most CI runners are);
 * colour only on a TTY, and never with NO_COLOR or TERM=dumb.
 */
export function terminalCaps(env: NodeJS.ProcessEnv, isTTY: boolean): TerminalCaps {
  const noColor = (env.NO_COLOR ?? '') !== '';
  const dumb = env.TERM === 'dumb';
  const locale = env.LC_ALL || env.LC_CTYPE || env.LANG || '';
  const utf8 = locale === '' || /utf-?8/i.test(locale);
  return { unicode: utf8 && !noColor && !dumb, color: isTTY && !noColor && !dumb };
}

/** The values that must never be printed (from the environment, secret headers). */
export class Secrets {
  private readonly values: string[] = [];

  add(secrets: readonly string[]): void {
    this.values.push(...secrets.filter((s) => s.length > 0));
  }

  text(text: string): string {
    return redact(text, this.values);
  }

  data<T>(data: T): T {
    return redactRecord(data, this.values);
  }
}

/**
 * Where the CLI writes. Human text goes to stdout unless stdout carries machine output (--json,
 * or a --format other than table), in which case human text moves to stderr. Secrets are
 * redacted from everything written: text by replacing every occurrence, JSON data field by
 * field (so the JSON stays valid), with one list of secrets per process, shared by every Output
 * and by the error report of the top-level catch.
 */
export class Output {
  private statusShown = false;
  readonly stderrIsTTY = process.stderr.isTTY === true;

  constructor(
    private readonly opts: { json: boolean; quiet: boolean },
    private readonly secrets: Secrets = new Secrets(),
  ) {}

  /** What the stream that human text goes to can show. */
  get terminal(): TerminalCaps {
    return terminalCaps(process.env, (this.opts.json ? process.stderr : process.stdout).isTTY === true);
  }

  /** Values that must never be printed (from the environment, secret headers). */
  addSecrets(secrets: readonly string[]): void {
    this.secrets.add(secrets);
  }

  /**
   * A profile's secrets; a warning names (never shows) each one too short to be hidden inside
   * other text (src/profile/redact.ts says why).
   */
  addProfileSecrets(loaded: Pick<LoadedProfile, 'secrets' | 'unmaskable'>): void {
    this.secrets.add(loaded.secrets);
    for (const from of loaded.unmaskable ?? []) {
      this.error(
        `warning: the value of ${from} is shorter than ${MIN_MASKED_LENGTH} characters: it is replaced by *** where it is a whole value, ` +
          'but not inside other text (a URL, a message), where it may appear in clear; use a longer value to have it hidden everywhere',
      );
    }
  }

  /** `text` with every secret replaced by ***: for what is written elsewhere (a step summary). */
  redact(text: string): string {
    return this.secrets.text(text);
  }

  /** Human-readable text (summary, notes). */
  human(text: string): void {
    if (this.opts.quiet) return;
    this.clearStatus();
    (this.opts.json ? process.stderr : process.stdout).write(this.secrets.text(text) + '\n');
  }

  /** Machine-readable text on stdout (md, junit, NDJSON). */
  machine(text: string): void {
    process.stdout.write(this.secrets.text(text) + '\n');
  }

  /** A JSON document on stdout, redacted field by field (histograms kept as they are). */
  json(data: unknown): void {
    process.stdout.write(JSON.stringify(this.secrets.data(data), null, 2) + '\n');
  }

  /** Warnings, errors and progress lines: always stderr. */
  error(text: string): void {
    this.clearStatus();
    process.stderr.write(this.secrets.text(text) + '\n');
  }

  /** Rewrites the current stderr line (progress on a TTY). */
  status(text: string): void {
    process.stderr.write('\r\x1b[2K' + this.secrets.text(text));
    this.statusShown = true;
  }

  clearStatus(): void {
    if (this.statusShown) process.stderr.write('\r\x1b[2K');
    this.statusShown = false;
  }
}
