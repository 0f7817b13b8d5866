/**
 * Defaults of the emulator's log and async settings, each with where its figure comes from.
 * Profile keys left out fall back to these (src/profile/schema.ts documents them).
 */

/**
 * Ingestion delay of CloudWatch Logs events: 2 s. Measured Lambda lag is "several seconds"
 * between an event's timestamp and its ingestionTime (Shuichi, "Visualize CloudWatch Logs
 * ingestion lag with Logs Insights", dev.to, 2023); AWS's guide allows "5 to 10 minutes"
 * (monitoring-cloudwatchlogs.md), which a reader must survive but which is not the usual case.
 */
export const DEFAULT_LOG_DELAY_MS = 2_000;

/**
 * Async invocations: "If the function returns an error, by default Lambda attempts to run it two
 * more times, with a one-minute wait between the first two attempts, and two minutes between the
 * second and third attempts"; throttled events are retried "for up to 6 hours by default", the
 * interval growing "exponentially from 1 second after the first attempt to a maximum of 5
 * minutes" (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html).
 * MaximumRetryAttempts is 0 to 2 (invocation-async-configuring.html).
 */
export const DEFAULT_ASYNC_RETRIES = 2;
export const MAX_ASYNC_RETRIES = 2;
export const DEFAULT_ASYNC_RETRY_DELAY_MS = 60_000;
export const DEFAULT_ASYNC_MAX_EVENT_AGE_MS = 6 * 3_600_000;
export const ASYNC_THROTTLE_FIRST_DELAY_MS = 1_000;
export const ASYNC_THROTTLE_MAX_DELAY_MS = 300_000;

/**
 * The log store keeps at most 500,000 events and 128 MB of messages (oldest dropped first): at
 * 2,000 invocations/s and four lines each, about a minute of history, for a few hundred MB of
 * memory at most. EmulatorOptions.maxLogEvents / maxLogBytes change it.
 */
export const DEFAULT_MAX_LOG_EVENTS = 500_000;
export const DEFAULT_MAX_LOG_BYTES = 128 * 1024 * 1024;
