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

/**
 * Where the CLI writes. Human text goes to stdout unless --json asked for machine output there,
 * in which case human text moves to stderr. Secrets are redacted from everything written.
 */
export class Output {
  private secrets: string[] = [];
  private statusShown = false;
  readonly stderrIsTTY = process.stderr.isTTY === true;

  constructor(private readonly opts: { json: boolean; quiet: boolean }) {}

  /** What the stream that human text goes to can show. */
  get terminal(): TerminalCaps {
    return terminalCaps(process.env, (this.opts.json ? process.stderr : process.stdout).isTTY === true);
  }

  /** Values that must never be printed (from the environment, secret headers). */
  addSecrets(secrets: string[]): void {
    this.secrets.push(...secrets.filter((s) => s.length > 0));
  }

  /** Human-readable text (summary, notes). */
  human(text: string): void {
    if (this.opts.quiet) return;
    this.clearStatus();
    (this.opts.json ? process.stderr : process.stdout).write(this.redact(text) + '\n');
  }

  /** Machine-readable output on stdout. */
  machine(text: string): void {
    process.stdout.write(this.redact(text) + '\n');
  }

  /** Warnings, errors and progress lines: always stderr. */
  error(text: string): void {
    this.clearStatus();
    process.stderr.write(this.redact(text) + '\n');
  }

  /** Rewrites the current stderr line (progress on a TTY). */
  status(text: string): void {
    process.stderr.write('\r\x1b[2K' + this.redact(text));
    this.statusShown = true;
  }

  clearStatus(): void {
    if (this.statusShown) process.stderr.write('\r\x1b[2K');
    this.statusShown = false;
  }

  private redact(text: string): string {
    let t = text;
    for (const s of this.secrets) t = t.split(s).join('***');
    return t;
  }
}
