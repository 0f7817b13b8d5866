/**
 * The emulator's CloudWatch Logs data: log groups, their streams and events. Every event becomes
 * visible at its ingestionTime (timestamp + the writer's delay), never before, as events reach
 * CloudWatch Logs some seconds after they are written. Memory is bounded: past `maxEvents` events
 * or `maxBytes` of messages, the oldest events are dropped (and counted).
 */
import { EventList, type StoredEvent } from './event-list.js';

export interface LogStoreLimits {
  maxEvents: number;
  maxBytes: number;
}

/** A single event is cut to 256 KB, CloudWatch Logs' event size quota. */
export const MAX_EVENT_BYTES = 256 * 1024;

export class LogStream {
  readonly events = new EventList();
  lastEventTimestamp = 0;
  lastIngestionTime = 0;
  firstEventTimestamp = 0;
  storedBytes = 0;
  constructor(
    readonly name: string,
    readonly creationTime: number,
  ) {}
}

export class LogGroup {
  readonly events = new EventList();
  readonly streams = new Map<string, LogStream>();
  storedBytes = 0;
  constructor(
    readonly name: string,
    readonly creationTime: number,
  ) {}
}

export interface LogStoreStats {
  /** Events kept now. */
  stored: number;
  /** Events dropped so far to stay under the caps. */
  dropped: number;
  /** UTF-8 bytes of the kept messages. */
  bytes: number;
}

export class LogStore {
  private readonly groupMap = new Map<string, LogGroup>();
  /** Every kept event in arrival order, so the oldest is dropped first. */
  private fifo: Array<{ group: LogGroup; stream: LogStream; event: StoredEvent } | undefined> = [];
  private fifoHead = 0;
  private seq = 0;
  private bytes = 0;
  private droppedCount = 0;

  constructor(private readonly limits: LogStoreLimits) {}

  /** Creates the group if it does not exist yet (as Lambda and API Gateway do on first write). */
  ensureGroup(name: string, now = Date.now()): LogGroup {
    let group = this.groupMap.get(name);
    if (group === undefined) {
      group = new LogGroup(name, now);
      this.groupMap.set(name, group);
    }
    return group;
  }

  group(name: string): LogGroup | undefined {
    return this.groupMap.get(name);
  }

  groups(): LogGroup[] {
    return [...this.groupMap.values()];
  }

  /**
   * Stores one event, written at `timestamp`, that the API returns from timestamp + delayMs.
   * `utf8Bytes`, when the caller knows it, saves measuring the message again.
   */
  put(groupName: string, streamName: string, timestamp: number, message: string, delayMs: number, utf8Bytes?: number): void {
    if (message === '') return; // CloudWatch Logs has no empty events
    const group = this.ensureGroup(groupName, timestamp);
    let stream = group.streams.get(streamName);
    if (stream === undefined) {
      stream = new LogStream(streamName, timestamp);
      stream.firstEventTimestamp = timestamp;
      group.streams.set(streamName, stream);
    }
    let text = message;
    let bytes = utf8Bytes ?? Buffer.byteLength(text);
    if (bytes > MAX_EVENT_BYTES) {
      text = Buffer.from(text).subarray(0, MAX_EVENT_BYTES).toString('utf8');
      bytes = Buffer.byteLength(text);
    }
    const event: StoredEvent = { seq: ++this.seq, timestamp, ingestionTime: timestamp + delayMs, message: text, bytes, streamName, dropped: false };
    group.events.add(event);
    stream.events.add(event);
    stream.lastEventTimestamp = Math.max(stream.lastEventTimestamp, timestamp);
    stream.lastIngestionTime = Math.max(stream.lastIngestionTime, event.ingestionTime);
    stream.storedBytes += bytes;
    group.storedBytes += bytes;
    this.bytes += bytes;
    this.fifo.push({ group, stream, event });
    this.enforceLimits();
  }

  stats(): LogStoreStats {
    return { stored: this.fifo.length - this.fifoHead, dropped: this.droppedCount, bytes: this.bytes };
  }

  private enforceLimits(): void {
    while (this.fifo.length - this.fifoHead > this.limits.maxEvents || this.bytes > this.limits.maxBytes) {
      const oldest = this.fifo[this.fifoHead];
      if (oldest === undefined) break;
      this.fifo[this.fifoHead] = undefined; // let the dropped event be collected
      this.fifoHead += 1;
      const { group, stream, event } = oldest;
      event.dropped = true;
      event.message = '';
      this.bytes -= event.bytes;
      group.storedBytes -= event.bytes;
      stream.storedBytes -= event.bytes;
      this.droppedCount += 1;
      group.events.compact();
      stream.events.compact();
    }
    if (this.fifoHead > 4096 && this.fifoHead * 2 > this.fifo.length) {
      this.fifo = this.fifo.slice(this.fifoHead);
      this.fifoHead = 0;
    }
  }
}

/**
 * AWS's event ids are strings of 56 digits. Ours: the timestamp (16 digits) then the arrival
 * sequence (40 digits), so an id is unique, the same on every call, and sorts like the events.
 */
export function eventId(e: StoredEvent): string {
  return `${String(e.timestamp).padStart(16, '0')}${String(e.seq).padStart(40, '0')}`;
}
