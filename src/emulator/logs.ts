/**
 * Lambda platform log lines (START / END / REPORT / INIT_START / INIT_REPORT) in the exact
 * text format, or as JSON telemetry events ({time, type, record}) for logFormat JSON, and a
 * bounded per-invocation buffer that keeps only the tail returned in X-Amz-Log-Result.
 */
import type { WriteStream } from 'node:fs';

export type LogFormat = 'Text' | 'JSON';

/** X-Amz-Log-Result holds the last 4 KB of the invocation's log. */
export const LOG_TAIL_BYTES = 4096;

export interface ReportFields {
  requestId: string;
  durationMs: number;
  billedDurationMs: number;
  memorySizeMB: number;
  maxMemoryUsedMB: number;
  initDurationMs?: number;
  status: 'success' | 'error' | 'timeout';
  errorType?: string;
  /**
   * The runtime reported the error through /invocation/error (the handler threw). The text REPORT
   * then carries no Status field: only platform failures (timeout, Runtime.ExitError, init) do.
   */
  reportedByRuntime?: boolean;
}

export interface InitReportFields {
  initDurationMs: number;
  phase: 'init' | 'invoke';
  status: 'error' | 'timeout';
  errorType?: string;
}

export interface InitStartFields {
  runtimeVersion: string;
  runtimeVersionArn: string;
  functionName: string;
  functionVersion: string;
  phase: 'init' | 'invoke';
}

/**
 * Billed Duration since 2025-08-01: duration plus init, rounded up to the next ms (at least 1).
 */
export function billedDurationMs(durationMs: number, initDurationMs = 0): number {
  return Math.max(1, Math.ceil(durationMs + initDurationMs));
}

function jsonEvent(type: string, record: object, now: Date): string {
  return `${JSON.stringify({ time: now.toISOString(), type, record })}\n`;
}

export function formatInitStart(format: LogFormat, f: InitStartFields, now = new Date()): string {
  if (format === 'JSON') {
    return jsonEvent('platform.initStart', { initializationType: 'on-demand', ...f }, now);
  }
  return `INIT_START Runtime Version: ${f.runtimeVersion}\tRuntime Version ARN: ${f.runtimeVersionArn}\n`;
}

export function formatInitReport(format: LogFormat, f: InitReportFields, now = new Date()): string {
  if (format === 'JSON') {
    return jsonEvent(
      'platform.initReport',
      {
        initializationType: 'on-demand',
        phase: f.phase,
        status: f.status,
        ...(f.errorType !== undefined ? { errorType: f.errorType } : {}),
        metrics: { durationMs: round2(f.initDurationMs) },
      },
      now,
    );
  }
  const errorType = f.errorType !== undefined ? `\tError Type: ${f.errorType}` : '';
  return `INIT_REPORT Init Duration: ${f.initDurationMs.toFixed(2)} ms\tPhase: ${f.phase}\tStatus: ${f.status}${errorType}\n`;
}

export function formatStart(format: LogFormat, requestId: string, version: string, now = new Date()): string {
  if (format === 'JSON') return jsonEvent('platform.start', { requestId, version }, now);
  return `START RequestId: ${requestId} Version: ${version}\n`;
}

/** END in text; platform.runtimeDone in JSON (the JSON format has no END event). */
export function formatEnd(format: LogFormat, r: ReportFields, now = new Date()): string {
  if (format === 'JSON') {
    return jsonEvent(
      'platform.runtimeDone',
      {
        requestId: r.requestId,
        status: r.status,
        ...(r.errorType !== undefined ? { errorType: r.errorType } : {}),
        metrics: { durationMs: round2(r.durationMs) },
      },
      now,
    );
  }
  return `END RequestId: ${r.requestId}\n`;
}

export function formatReport(format: LogFormat, r: ReportFields, now = new Date()): string {
  if (format === 'JSON') {
    const metrics = {
      durationMs: round2(r.durationMs),
      billedDurationMs: r.billedDurationMs,
      memorySizeMB: r.memorySizeMB,
      maxMemoryUsedMB: r.maxMemoryUsedMB,
      ...(r.initDurationMs !== undefined ? { initDurationMs: round2(r.initDurationMs) } : {}),
    };
    const errorType = r.errorType !== undefined && r.status !== 'success' ? { errorType: r.errorType } : {};
    return jsonEvent('platform.report', { requestId: r.requestId, status: r.status, ...errorType, metrics }, now);
  }
  let line =
    `REPORT RequestId: ${r.requestId}\tDuration: ${r.durationMs.toFixed(2)} ms\t` +
    `Billed Duration: ${r.billedDurationMs} ms\tMemory Size: ${r.memorySizeMB} MB\t` +
    `Max Memory Used: ${r.maxMemoryUsedMB} MB\t`;
  if (r.initDurationMs !== undefined) line += `Init Duration: ${r.initDurationMs.toFixed(2)} ms\t`;
  // The Status field is only written when the invocation did not succeed (AWS's newer format).
  if (r.status !== 'success' && r.reportedByRuntime !== true) {
    line += `Status: ${r.status}\t`;
    if (r.errorType !== undefined && r.status === 'error') line += `Error Type: ${r.errorType}\t`;
  }
  return `${line}\n`;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/**
 * Keeps the last LOG_TAIL_BYTES of an invocation's log however much the function prints: memory
 * is bounded by compacting whenever twice the tail has accumulated.
 */
export class LogTail {
  private chunks: Buffer[] = [];
  private bytes = 0;

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    if (this.bytes > 2 * LOG_TAIL_BYTES) {
      const last = this.tail();
      this.chunks = [last];
      this.bytes = last.length;
    }
  }

  tail(): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.bytes);
    return all.length > LOG_TAIL_BYTES ? all.subarray(all.length - LOG_TAIL_BYTES) : all;
  }
}

/** Where one invocation's log goes: its tail buffer and, when configured, the function's file. */
export class LogSink {
  readonly tail = new LogTail();
  constructor(private readonly file: WriteStream | undefined) {}

  write(data: string | Buffer): void {
    const chunk = typeof data === 'string' ? Buffer.from(data) : data;
    this.tail.push(chunk);
    this.file?.write(chunk);
  }
}
