/**
 * Errors that stop a command before or during a run. Each carries the exit code the CLI
 * uses and an optional hint that tells the user how to fix the problem. A failed request is
 * never one of these: it is an Outcome (see targets/target.ts).
 */
export type ExitCode = 0 | 1 | 2 | 3 | 4 | 130;

export class ColdbenchError extends Error {
  readonly exitCode: ExitCode;
  readonly hint: string | undefined;
  constructor(message: string, exitCode: ExitCode, hint?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.exitCode = exitCode;
    this.hint = hint;
  }
}

/** Bad command-line usage or a bad input file: exit 2. */
export class UsageError extends ColdbenchError {
  constructor(message: string, hint?: string, options?: { cause?: unknown }) {
    super(message, 2, hint, options);
  }
}

/** A profile with problems; `problems` holds every one, each `path: message (line N)`. */
export class ProfileError extends ColdbenchError {
  readonly problems: string[];
  constructor(file: string, problems: string[]) {
    super(
      `${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n  ${problems.join('\n  ')}`,
      2,
      'fix the profile, then check it with `coldbench validate <profile>`',
    );
    this.problems = problems;
  }
}

/** The run could not start or could not go on (target unreachable, no credentials): exit 1. */
export class RunError extends ColdbenchError {
  constructor(message: string, hint?: string, options?: { cause?: unknown }) {
    super(message, 1, hint, options);
  }
}

/** A gate failed (threshold or diff regression): exit 3. */
export class GateError extends ColdbenchError {
  constructor(message: string, hint?: string) {
    super(message, 3, hint);
  }
}

/**
 * The start instant (--start-at) had passed by more than the tolerance when the load was due
 * to start, so nothing was sent: exit 4. A distinct code lets a job runner (a Kubernetes
 * podFailurePolicy, a CI step) tell a late shard from a failed one; a retried pod that comes up
 * after the others have started stops here instead of sending its share late.
 */
export class StartMissedError extends ColdbenchError {
  constructor(message: string, hint?: string) {
    super(message, 4, hint);
  }
}
