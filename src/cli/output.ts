/**
 * Where the CLI writes. Human text goes to stdout unless --json asked for machine output there,
 * in which case human text moves to stderr. Secrets are redacted from everything written.
 */
export class Output {
  private secrets: string[] = [];
  private statusShown = false;
  readonly stderrIsTTY = process.stderr.isTTY === true;

  constructor(private readonly opts: { json: boolean; quiet: boolean }) {}

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
