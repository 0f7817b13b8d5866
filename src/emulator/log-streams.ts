/**
 * How a function's execution environments write into CloudWatch Logs: the log group
 * (`/aws/lambda/<fn>` or the function's `logGroup`), one stream per environment, and one event
 * per line the environment writes.
 *
 * Stream names (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-loggroups.html):
 * `YYYY/MM/DD/[$LATEST]<32 hex>` in the default group, and `YYYY/MM/DD/<fn>[$LATEST]<32 hex>` in a
 * custom group, which several functions may share.
 *
 * Lines: the text format is one event per line (our Node runtime turns a message's own newlines
 * into `\r`, as Lambda's does, so a console.log is one event); the JSON format writes one record
 * per line, so it is one event per record too. Empty lines are not events (CloudWatch Logs has no
 * empty events).
 *
 * System log level (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-log-level.html):
 * with SystemLogLevel WARN Lambda does not send its INFO platform events (start, report, ...) "to
 * CloudWatch Logs"; we model every platform line we write as INFO, except the lines reporting a
 * runtime error. The filter applies to CloudWatch only: the Invoke log tail keeps every line (the
 * docs describe the filter as what is sent to CloudWatch Logs; not checked on AWS).
 */
import { randomBytes } from 'node:crypto';
import { type LogStore, MAX_EVENT_BYTES } from './cloudwatch/log-store.js';

type Source = 'stdout' | 'stderr';
const NEWLINE = 0x0a; // never part of a multi-byte UTF-8 sequence, so lines can be cut as bytes

export function defaultLogGroup(functionName: string): string {
  return `/aws/lambda/${functionName}`;
}

export function functionLogGroup(functionName: string, logGroup: string | undefined): string {
  return logGroup ?? defaultLogGroup(functionName);
}

export function newLogStreamName(functionName: string, group: string, now = new Date()): string {
  const day = now.toISOString().slice(0, 10).replace(/-/g, '/');
  const owner = group === defaultLogGroup(functionName) ? '' : functionName;
  return `${day}/${owner}[$LATEST]${randomBytes(16).toString('hex')}`;
}

export interface LogDestination {
  store: LogStore;
  group: string;
  delayMs: number;
  /** true: platform INFO lines are not sent (SystemLogLevel WARN). */
  dropPlatformInfo: boolean;
}

/** The CloudWatch side of one execution environment: its stream and its partial lines. */
export class EnvironmentLog {
  /** The end of the output without its newline yet, per pipe. */
  private readonly pending: Record<Source, Buffer[]> = { stdout: [], stderr: [] };
  private readonly pendingBytes: Record<Source, number> = { stdout: 0, stderr: 0 };

  constructor(
    private readonly dest: LogDestination,
    readonly streamName: string,
  ) {}

  get group(): string {
    return this.dest.group;
  }

  /** Lines the platform writes (INIT_START, START, END, REPORT, ...); `error` lines pass any level. */
  platform(text: string, level: 'info' | 'error' = 'info'): void {
    if (level === 'info' && this.dest.dropPlatformInfo) return;
    const now = Date.now();
    for (const line of text.split('\n')) this.put(line, now);
  }

  /**
   * Output of the process, as it arrives: complete lines become events, the rest waits. Lines are
   * cut from the bytes (no decoding of the whole chunk), so megabytes of output stay cheap.
   */
  output(chunk: Buffer, source: Source): void {
    const now = Date.now();
    let start = 0;
    for (let nl = chunk.indexOf(NEWLINE); nl >= 0; nl = chunk.indexOf(NEWLINE, start)) {
      this.putBytes(this.takeLine(source, chunk.subarray(start, nl)), now);
      start = nl + 1;
    }
    if (start < chunk.length) {
      this.pending[source].push(Buffer.from(chunk.subarray(start)));
      this.pendingBytes[source] += chunk.length - start;
      // A line longer than an event can hold is sent in pieces, as it could never end in one.
      if (this.pendingBytes[source] > MAX_EVENT_BYTES) this.putBytes(this.takeLine(source, Buffer.alloc(0)), now);
    }
  }

  /** The process is gone: what it wrote without a final newline is still a line. */
  flush(): void {
    const now = Date.now();
    for (const source of ['stdout', 'stderr'] as const) this.putBytes(this.takeLine(source, Buffer.alloc(0)), now);
  }

  /** The pending start of a line joined with its end. */
  private takeLine(source: Source, end: Buffer): Buffer {
    if (this.pending[source].length === 0) return end;
    const line = Buffer.concat([...this.pending[source], end]);
    this.pending[source] = [];
    this.pendingBytes[source] = 0;
    return line;
  }

  private putBytes(line: Buffer, now: number): void {
    for (let at = 0; at < line.length; at += MAX_EVENT_BYTES) {
      const piece = line.subarray(at, at + MAX_EVENT_BYTES);
      this.dest.store.put(this.dest.group, this.streamName, now, piece.toString('utf8'), this.dest.delayMs, piece.length);
    }
  }

  private put(line: string, now: number): void {
    if (line !== '') this.dest.store.put(this.dest.group, this.streamName, now, line, this.dest.delayMs);
  }
}
