/**
 * The signals that stop a run or a sweep and keep what it measured: Ctrl-C, a polite kill, and
 * a terminal that hangs up (a closed SSH session), which would otherwise end the process with
 * nothing saved.
 */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
