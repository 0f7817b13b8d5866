/**
 * Lambda platform log records, named as in Lambda's JSON telemetry (platform.report,
 * platform.initReport, ...). Produced by the log parser (lambda/logs.ts) from text or JSON lines.
 */
export interface LambdaReport {
  type: 'report';
  requestId?: string;
  durationMs?: number;
  billedDurationMs?: number;
  memorySizeMB?: number;
  maxMemoryUsedMB?: number;
  initDurationMs?: number;
  restoreDurationMs?: number;
  billedRestoreDurationMs?: number;
  /** success | error | timeout | failure ... ; absent in old text lines without a Status field. */
  status?: string;
  errorType?: string;
}

export interface InitStartRecord {
  type: 'initStart';
  runtimeVersion?: string;
  runtimeVersionArn?: string;
  /** on-demand | provisioned-concurrency | snap-start ... (JSON format only) */
  initializationType?: string;
  phase?: string;
  /** ISO time of the event when the line carried one. */
  time?: string;
}

export interface InitReportRecord {
  type: 'initReport';
  initDurationMs?: number;
  phase?: string;
  status?: string;
  errorType?: string;
  time?: string;
}

export interface RestoreReportRecord {
  type: 'restoreReport';
  restoreDurationMs?: number;
  status?: string;
  errorType?: string;
  time?: string;
}

export interface StartRecord {
  type: 'start';
  requestId?: string;
  version?: string;
  time?: string;
}

export interface EndRecord {
  type: 'end';
  requestId?: string;
  time?: string;
}

export type LogRecord =
  | (LambdaReport & { time?: string })
  | InitStartRecord
  | InitReportRecord
  | RestoreReportRecord
  | StartRecord
  | EndRecord;
