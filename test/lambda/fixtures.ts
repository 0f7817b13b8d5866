/**
 * Real Lambda platform log lines, each with where it was published. Tabs are written `\t`
 * exactly where the source has a tab (or a JSON-escaped `\t`); lines that a source shows with
 * spaces keep their spaces. Entries marked `constructed` are not captures: each says why.
 * `expect` lists the fields the parser must produce (absent fields must be absent).
 */
import type { LogRecord } from '../../src/lambda/records.js';

export interface LineFixture {
  name: string;
  source: string;
  constructed?: string;
  line: string;
  /** undefined: the line must be skipped. */
  expect: LogRecord | undefined;
}

const LAMBDA_PERF = 'github.com/maxday/lambda-perf common_lib/src/report_log.rs (unit tests)';
const DATADOG_EVENTS =
  'github.com/DataDog/datadog-lambda-extension bottlecap/src/extension/telemetry/events.rs @090ef0cd (unit tests)';
const AWS_TELEMETRY_DOC =
  'https://docs.aws.amazon.com/lambda/latest/dg/telemetry-schema-reference.html (awsdocs/aws-lambda-developer-guide doc_source/telemetry-schema-reference.md)';
const AWS_RUNTIME_ENV_DOC = 'https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html (Restore phase failures)';

export const TEXT_FIXTURES: LineFixture[] = [
  {
    name: 'REPORT, tabs and trailing tab, Init Duration',
    source: LAMBDA_PERF,
    line: 'REPORT RequestId: 32f5cbf1-dd22-422a-a566-8965da5a3465\tDuration: 8.40 ms\tBilled Duration: 9 ms\tMemory Size: 128 MB\tMax Memory Used: 66 MB\tInit Duration: 170.13 ms\t',
    expect: {
      type: 'report',
      requestId: '32f5cbf1-dd22-422a-a566-8965da5a3465',
      durationMs: 8.4,
      billedDurationMs: 9,
      memorySizeMB: 128,
      maxMemoryUsedMB: 66,
      initDurationMs: 170.13,
    },
  },
  {
    name: 'REPORT, SnapStart Restore Duration + Billed Restore Duration',
    source: LAMBDA_PERF,
    line: 'REPORT RequestId: 1d4e1c44-b211-4a4c-972b-39c8da774f2e\tDuration: 36.97 ms\tBilled Duration: 173 ms\tMemory Size: 128 MB\tMax Memory Used: 68 MB\tRestore Duration: 511.56 ms\tBilled Restore Duration: 136 ms\t',
    expect: {
      type: 'report',
      requestId: '1d4e1c44-b211-4a4c-972b-39c8da774f2e',
      durationMs: 36.97,
      billedDurationMs: 173,
      memorySizeMB: 128,
      maxMemoryUsedMB: 68,
      restoreDurationMs: 511.56,
      billedRestoreDurationMs: 136,
    },
  },
  {
    name: 'REPORT, old `ms \\t` after Billed Duration (timeout era 2018)',
    source: 'https://github.com/apex/up/issues/663 (message field, JSON-escaped tabs)',
    line: 'REPORT RequestId: fb63a8b6-599d-11e8-a437-911ac44bc0b4\tDuration: 18018.26 ms\tBilled Duration: 18000 ms \tMemory Size: 512 MB\tMax Memory Used: 82 MB\t',
    expect: {
      type: 'report',
      requestId: 'fb63a8b6-599d-11e8-a437-911ac44bc0b4',
      durationMs: 18018.26,
      billedDurationMs: 18000,
      memorySizeMB: 512,
      maxMemoryUsedMB: 82,
    },
  },
  {
    name: 'REPORT, space-separated with double spaces and trailing space (2016)',
    source: 'https://github.com/awslabs/aws-lambda-redshift-loader/issues/80',
    line: 'REPORT RequestId: b47cde10-029a-11e6-b5d6-1f01b70b94b2  Duration: 120000.64 ms  Billed Duration: 120000 ms Memory Size: 128 MB  Max Memory Used: 23 MB  ',
    expect: {
      type: 'report',
      requestId: 'b47cde10-029a-11e6-b5d6-1f01b70b94b2',
      durationMs: 120000.64,
      billedDurationMs: 120000,
      memorySizeMB: 128,
      maxMemoryUsedMB: 23,
    },
  },
  {
    name: 'REPORT, single spaces, Init Duration (2019 announcement)',
    source: 'https://github.com/lumigo-io/SAR-async-lambda-metrics/issues/9',
    line: 'REPORT RequestId: 2d7fd9b0-a17f-4482-bc6c-4b58bb47b884 Duration: 1201.12 ms Billed Duration: 1300 ms Memory Size: 128 MB Max Memory Used: 78 MB Init Duration: 287.33 ms',
    expect: {
      type: 'report',
      requestId: '2d7fd9b0-a17f-4482-bc6c-4b58bb47b884',
      durationMs: 1201.12,
      billedDurationMs: 1300,
      memorySizeMB: 128,
      maxMemoryUsedMB: 78,
      initDurationMs: 287.33,
    },
  },
  {
    name: 'REPORT, tabs rendered as 4 spaces, Init Duration',
    source: 'github.com/GuiPimenta-Dev/lambda-forge lambda_forge/logs/tui/api/_test_data.py (CloudWatch events)',
    line: 'REPORT RequestId: eb5ea470-b2c6-4739-9c47-cc770c36fea6    Duration: 1013.31 ms    Billed Duration: 1014 ms    Memory Size: 128 MB    Max Memory Used: 46 MB    Init Duration: 111.94 ms',
    expect: {
      type: 'report',
      requestId: 'eb5ea470-b2c6-4739-9c47-cc770c36fea6',
      durationMs: 1013.31,
      billedDurationMs: 1014,
      memorySizeMB: 128,
      maxMemoryUsedMB: 46,
      initDurationMs: 111.94,
    },
  },
  {
    name: 'REPORT with timestamp prefix (serverless logs) and fields run together (`MBInit`)',
    source: 'https://github.com/serverless/serverless/pull/7904',
    line: '2020-07-03 14:36:49.294 (+02:00)        REPORT RequestId: XXXXXX  Duration: 293.85 ms     Billed Duration: 300 ms Memory Size: 128 MB     Max Memory Used: 47 MBInit Duration: 205.52 ms',
    expect: {
      type: 'report',
      requestId: 'XXXXXX',
      durationMs: 293.85,
      billedDurationMs: 300,
      memorySizeMB: 128,
      maxMemoryUsedMB: 47,
      initDurationMs: 205.52,
      time: '2020-07-03 14:36:49.294',
    },
  },
  {
    name: 'REPORT with Status: error and Error Type (new-style suffix)',
    source: 'https://github.com/nishidemasami/contactform-api/issues/29',
    line: 'REPORT RequestId: 83269395-33ee-45a8-8a99-38f67b6faf72\tDuration: 11.48 ms\tBilled Duration: 12 ms\tMemory Size: 128 MB\tMax Memory Used: 10 MB\tStatus: error\tError Type: Runtime.InvalidEntrypoint',
    expect: {
      type: 'report',
      requestId: '83269395-33ee-45a8-8a99-38f67b6faf72',
      durationMs: 11.48,
      billedDurationMs: 12,
      memorySizeMB: 128,
      maxMemoryUsedMB: 10,
      status: 'error',
      errorType: 'Runtime.InvalidEntrypoint',
    },
  },
  {
    name: 'REPORT with Status: timeout, no trailing tab',
    source: 'https://aaronstuyvenberg.com/posts/lambda-timeout-doom-loop (AJ Stuyvenberg, 2024)',
    line: 'REPORT RequestId: 13222b1e-f16b-4550-89df-869ab0a9806d\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 1024 MB\tMax Memory Used: 64 MB\tStatus: timeout',
    expect: {
      type: 'report',
      requestId: '13222b1e-f16b-4550-89df-869ab0a9806d',
      durationMs: 3000,
      billedDurationMs: 3000,
      memorySizeMB: 1024,
      maxMemoryUsedMB: 64,
      status: 'timeout',
    },
  },
  {
    name: 'REPORT, 3 s init, no trailing tab',
    source: 'https://aaronstuyvenberg.com/posts/lambda-timeout-doom-loop (AJ Stuyvenberg, 2024)',
    line: 'REPORT RequestId: bdace18c-8f63-48f0-b44a-c909b6b134a0\tDuration: 2.85 ms\tBilled Duration: 3 ms\tMemory Size: 1024 MB\tMax Memory Used: 64 MB\tInit Duration: 3152.18 ms',
    expect: {
      type: 'report',
      requestId: 'bdace18c-8f63-48f0-b44a-c909b6b134a0',
      durationMs: 2.85,
      billedDurationMs: 3,
      memorySizeMB: 1024,
      maxMemoryUsedMB: 64,
      initDurationMs: 3152.18,
    },
  },
  {
    name: 'REPORT with XRAY on the same line (space-separated)',
    source: 'github.com/baselime/docs sending-data/cloudwatch-logs.md (REPORT discovered keys)',
    line: 'REPORT RequestId: 8fc6f963-411b-58b5-8483-a32130c0f45d Duration: 201.67 ms Billed Duration: 202 ms Memory Size: 2048 MB Max Memory Used: 81 MB Init Duration: 480.25 ms XRAY TraceId: 1-61c86fa4-59b3c6d959653c527fd10966 SegmentId: 107ea78a5750a811 Sampled: true',
    expect: {
      type: 'report',
      requestId: '8fc6f963-411b-58b5-8483-a32130c0f45d',
      durationMs: 201.67,
      billedDurationMs: 202,
      memorySizeMB: 2048,
      maxMemoryUsedMB: 81,
      initDurationMs: 480.25,
    },
  },
  {
    name: 'REPORT, `Duration: 1.0 ms` and `ms \\t`, from a LogResult',
    source:
      'github.com/alexcasalboni/aws-lambda-power-tuning test/unit/test-utils.js (decoded LogResult fixture; that project edited the values)',
    line: 'REPORT RequestId: 479fb51c-1e38-11e7-99ca-67bf163608ed\tDuration: 1.0 ms\tBilled Duration: 1 ms \tMemory Size: 128 MB\tMax Memory Used: 15 MB\tInit Duration: 300.00 ms',
    expect: {
      type: 'report',
      requestId: '479fb51c-1e38-11e7-99ca-67bf163608ed',
      durationMs: 1,
      billedDurationMs: 1,
      memorySizeMB: 128,
      maxMemoryUsedMB: 15,
      initDurationMs: 300,
    },
  },
  {
    name: 'REPORT whose request id is missing',
    source: 'constructed',
    constructed: 'no public capture shows an empty RequestId; some emulators print one when the id is unknown',
    line: 'REPORT RequestId: \tDuration: 5.00 ms\tBilled Duration: 5 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\t',
    expect: { type: 'report', durationMs: 5, billedDurationMs: 5, memorySizeMB: 128, maxMemoryUsedMB: 40 },
  },
  {
    name: 'REPORT truncated inside Init Duration value (no unit) is skipped',
    source: 'constructed',
    constructed: 'a real line cut at an arbitrary byte (the lambda-perf line above, cut after "Init Duration: 17")',
    line: 'REPORT RequestId: 32f5cbf1-dd22-422a-a566-8965da5a3465\tDuration: 8.40 ms\tBilled Duration: 9 ms\tMemory Size: 128 MB\tMax Memory Used: 66 MB\tInit Duration: 17',
    expect: undefined,
  },
  {
    name: 'REPORT truncated inside a key name is skipped',
    source: 'constructed',
    constructed: 'the lambda-perf line cut after "Init Dur": a cold start must not become a warm one',
    line: 'REPORT RequestId: 32f5cbf1-dd22-422a-a566-8965da5a3465\tDuration: 8.40 ms\tBilled Duration: 9 ms\tMemory Size: 128 MB\tMax Memory Used: 66 MB\tInit Dur',
    expect: undefined,
  },
  {
    name: 'START with version number',
    source: 'github.com/alexcasalboni/aws-lambda-power-tuning test/unit/test-utils.js (decoded LogResult fixture)',
    line: 'START RequestId: 479fb51c-1e38-11e7-99ca-67bf163608ed Version: 99',
    expect: { type: 'start', requestId: '479fb51c-1e38-11e7-99ca-67bf163608ed', version: '99' },
  },
  {
    name: 'START $LATEST with trailing space',
    source: 'https://github.com/awslabs/aws-lambda-redshift-loader/issues/80',
    line: 'START RequestId: b47cde10-029a-11e6-b5d6-1f01b70b94b2 Version: $LATEST ',
    expect: { type: 'start', requestId: 'b47cde10-029a-11e6-b5d6-1f01b70b94b2', version: '$LATEST' },
  },
  {
    name: 'END',
    source: 'https://github.com/awslabs/aws-lambda-redshift-loader/issues/80',
    line: 'END RequestId: b47cde10-029a-11e6-b5d6-1f01b70b94b2 ',
    expect: { type: 'end', requestId: 'b47cde10-029a-11e6-b5d6-1f01b70b94b2' },
  },
  {
    name: 'INIT_START, tab shown as spaces (AWS docs example)',
    source: 'https://docs.aws.amazon.com/lambda/latest/dg/runtime-management-identify.html (Example INIT_START log line)',
    line: 'INIT_START Runtime Version: python:3.13.v14    Runtime Version ARN: arn:aws:lambda:eu-south-1::runtime:7b620fc2e66107a1046b140b9d320295811af3ad5d4c6a011fad1fa65127e9e6I',
    expect: {
      type: 'initStart',
      runtimeVersion: 'python:3.13.v14',
      runtimeVersionArn: 'arn:aws:lambda:eu-south-1::runtime:7b620fc2e66107a1046b140b9d320295811af3ad5d4c6a011fad1fa65127e9e6I',
    },
  },
  {
    name: 'INIT_START, 4 spaces (CloudWatch event message)',
    source: 'github.com/GuiPimenta-Dev/lambda-forge lambda_forge/logs/tui/api/_test_data.py',
    line: 'INIT_START Runtime Version: python:3.9.v55    Runtime Version ARN: arn:aws:lambda:us-east-2::runtime:be9e7121d3264b1e86158b38dbbb656c23dff979eb481793ee37b9e2b79fda22',
    expect: {
      type: 'initStart',
      runtimeVersion: 'python:3.9.v55',
      runtimeVersionArn: 'arn:aws:lambda:us-east-2::runtime:be9e7121d3264b1e86158b38dbbb656c23dff979eb481793ee37b9e2b79fda22',
    },
  },
  {
    name: 'INIT_REPORT init error, inside a pasted table with an epoch-ms column',
    source: 'https://github.com/aws/aws-lambda-web-adapter/issues/318',
    line: '| 1702763408647 | INIT_REPORT Init Duration: 5038.94 ms Phase: init Status: error Error Type: Runtime.ExitError',
    expect: {
      type: 'initReport',
      initDurationMs: 5038.94,
      phase: 'init',
      status: 'error',
      errorType: 'Runtime.ExitError',
      time: '2023-12-16T21:50:08.647Z',
    },
  },
  {
    name: 'EXTENSION line is not a platform record we keep',
    source: 'https://github.com/aws/aws-lambda-web-adapter/issues/318',
    line: '| 1702763408647 | EXTENSION Name: lambda-adapter State: Ready Events: []',
    expect: undefined,
  },
  {
    name: 'RESTORE_REPORT timeout (AWS docs)',
    source: AWS_RUNTIME_ENV_DOC,
    line: 'RESTORE_REPORT Restore Duration: 1236.04 ms Status: timeout',
    expect: { type: 'restoreReport', restoreDurationMs: 1236.04, status: 'timeout' },
  },
  {
    name: 'RESTORE_REPORT hook failure (AWS docs)',
    source: AWS_RUNTIME_ENV_DOC,
    line: 'RESTORE_REPORT Restore Duration: 1236.04 ms Status: error Error Type: Runtime.ExitError',
    expect: { type: 'restoreReport', restoreDurationMs: 1236.04, status: 'error', errorType: 'Runtime.ExitError' },
  },
  {
    name: 'Task timed out line (old style) is not a record',
    source: 'https://github.com/awslabs/aws-lambda-redshift-loader/issues/80',
    line: '2016-04-14T23:52:45.715Z b47cde10-029a-11e6-b5d6-1f01b70b94b2 Task timed out after 120.00 seconds ',
    expect: undefined,
  },
  {
    name: 'XRAY continuation line is not a record',
    source: 'github.com/baselime/docs sending-data/cloudwatch-logs.md (the XRAY part of the REPORT above)',
    line: 'XRAY TraceId: 1-61c86fa4-59b3c6d959653c527fd10966\tSegmentId: 107ea78a5750a811\tSampled: true\t',
    expect: undefined,
  },
  {
    name: 'function output is not a record',
    source: 'github.com/alexcasalboni/aws-lambda-power-tuning test/unit/test-utils.js (decoded LogResult fixture)',
    line: '2017-04-10T21:54:32.683Z\t479fb51c-1e38-11e7-99ca-67bf163608ed\tvalue1 = undefined',
    expect: undefined,
  },
];

export const JSON_FIXTURES: LineFixture[] = [
  {
    name: 'platform.initStart (on-demand)',
    source: DATADOG_EVENTS,
    line: '{"time":"2022-10-19T13:52:15.636Z","type":"platform.initStart","record":{"initializationType":"on-demand","phase":"init"}}',
    expect: { type: 'initStart', initializationType: 'on-demand', phase: 'init', time: '2022-10-19T13:52:15.636Z' },
  },
  {
    name: 'platform.initReport',
    source: DATADOG_EVENTS,
    line: '{"time":"2022-10-19T13:52:16.136Z","type":"platform.initReport","record":{"initializationType":"on-demand","metrics":{"durationMs":500.0},"phase":"init"}}',
    expect: { type: 'initReport', initDurationMs: 500, phase: 'init', time: '2022-10-19T13:52:16.136Z' },
  },
  {
    name: 'platform.restoreReport',
    source: DATADOG_EVENTS,
    line: '{"time":"2022-10-19T13:52:16.136Z","type":"platform.restoreReport","record":{"status":"success","metrics":{"durationMs":150.5}}}',
    expect: { type: 'restoreReport', restoreDurationMs: 150.5, status: 'success', time: '2022-10-19T13:52:16.136Z' },
  },
  {
    name: 'platform.restoreReport failure without metrics',
    source: DATADOG_EVENTS,
    line: '{"time":"2022-10-19T13:52:16.136Z","type":"platform.restoreReport","record":{"status":"failure","errorType":"RestoreError"}}',
    expect: { type: 'restoreReport', status: 'failure', errorType: 'RestoreError', time: '2022-10-19T13:52:16.136Z' },
  },
  {
    name: 'platform.start with tracing',
    source: DATADOG_EVENTS,
    line: '{"time":"2022-10-21T14:05:03.165Z","type":"platform.start","record":{"requestId":"459921b5-681c-4a96-beb0-81e0aa586026","version":"$LATEST","tracing":{"spanId":"24cd7d670fa455f0","type":"X-Amzn-Trace-Id","value":"Root=1-6352a70e-1e2c502e358361800241fd45;Parent=35465b3a9e2f7c6a;Sampled=1"}}}',
    expect: {
      type: 'start',
      requestId: '459921b5-681c-4a96-beb0-81e0aa586026',
      version: '$LATEST',
      time: '2022-10-21T14:05:03.165Z',
    },
  },
  {
    name: 'platform.report on-demand with initDurationMs',
    source: DATADOG_EVENTS,
    line: '{"time":"2022-10-21T14:05:05.766Z","type":"platform.report","record":{"requestId":"459921b5-681c-4a96-beb0-81e0aa586026","metrics":{"durationMs":2599.4,"billedDurationMs":2600,"memorySizeMB":128,"maxMemoryUsedMB":94,"initDurationMs":549.04},"tracing":{"spanId":"24cd7d670fa455f0","type":"X-Amzn-Trace-Id","value":"Root=1-6352a70e-1e2c502e358361800241fd45;Parent=35465b3a9e2f7c6a;Sampled=1"},"status":"success"}}',
    expect: {
      type: 'report',
      requestId: '459921b5-681c-4a96-beb0-81e0aa586026',
      durationMs: 2599.4,
      billedDurationMs: 2600,
      memorySizeMB: 128,
      maxMemoryUsedMB: 94,
      initDurationMs: 549.04,
      status: 'success',
      time: '2022-10-21T14:05:05.766Z',
    },
  },
  {
    name: 'platform.report with only durationMs (Lambda Managed Instances)',
    source: DATADOG_EVENTS,
    line: '{"time":"2025-09-19T19:36:50.881Z","type":"platform.report","record":{"requestId":"13d1305b-a2f5-440c-bfbe-686ccff3d3e0","status":"success","metrics":{"durationMs":1.148},"spans":[{"name":"responseLatency","start":"2025-09-19T19:36:50.880Z","durationMs":0.847},{"name":"responseDuration","start":"2025-09-19T19:36:50.880Z","durationMs":0.127}]}}',
    expect: {
      type: 'report',
      requestId: '13d1305b-a2f5-440c-bfbe-686ccff3d3e0',
      durationMs: 1.148,
      status: 'success',
      time: '2025-09-19T19:36:50.881Z',
    },
  },
  {
    name: 'platform.report from a LogResult, no status in older example',
    source: 'github.com/alexcasalboni/aws-lambda-power-tuning test/unit/test-utils.js (jsonLog; initDurationMs edited by that project)',
    line: '{"time":"2024-02-09T08:42:44.080Z","type":"platform.report","record":{"requestId":"d661f7cf-9208-46b9-85b0-213b04a91065","status":"success","metrics":{"durationMs":1.317,"billedDurationMs":2,"memorySizeMB":1024,"maxMemoryUsedMB":68,"initDurationMs": 10}}}',
    expect: {
      type: 'report',
      requestId: 'd661f7cf-9208-46b9-85b0-213b04a91065',
      durationMs: 1.317,
      billedDurationMs: 2,
      memorySizeMB: 1024,
      maxMemoryUsedMB: 68,
      initDurationMs: 10,
      status: 'success',
      time: '2024-02-09T08:42:44.080Z',
    },
  },
  {
    name: 'platform.runtimeDone is not kept',
    source: 'github.com/alexcasalboni/aws-lambda-power-tuning test/unit/test-utils.js (jsonLog)',
    line: '{"time":"2024-02-09T08:42:44.079Z","type":"platform.runtimeDone","record":{"requestId":"d661f7cf-9208-46b9-85b0-213b04a91065","status":"success","spans":[{"name":"responseLatency","start":"2024-02-09T08:42:44.078Z","durationMs":0.677}],"metrics":{"durationMs":1.056,"producedBytes":50}}}',
    expect: undefined,
  },
  {
    name: 'a JSON application log line is not a record',
    source: 'github.com/alexcasalboni/aws-lambda-power-tuning test/unit/test-utils.js (jsonLog)',
    line: '{"timestamp":"2024-02-09T08:42:44.078Z","level":"INFO","requestId":"d661f7cf-9208-46b9-85b0-213b04a91065","message":"Just some logs here =)"}',
    expect: undefined,
  },
  {
    name: 'CloudWatch event export row `{timestamp, message}` with an old REPORT',
    source: 'github.com/drinkingtheink/aws_sdk-react-express-node-fe src/static_data/example-recent-logs-body.js',
    line: '{"logStreamName":"2019/06/19/[$LATEST]c3ad5cef73594c73806b88d5d3939a98","timestamp":1560948335625,"message":"REPORT RequestId: 69594c41-8463-4f69-b9b4-ff6c49813475\\tDuration: 89.34 ms\\tBilled Duration: 100 ms \\tMemory Size: 128 MB\\tMax Memory Used: 111 MB\\t\\n","ingestionTime":1560948350684,"eventId":"34810311100843586390261359008406652003083034459645739009"}',
    expect: {
      type: 'report',
      requestId: '69594c41-8463-4f69-b9b4-ff6c49813475',
      durationMs: 89.34,
      billedDurationMs: 100,
      memorySizeMB: 128,
      maxMemoryUsedMB: 111,
      time: '2019-06-19T12:45:35.625Z',
    },
  },
];

/** The AWS docs' pretty-printed examples (multi-line JSON events). */
export const AWS_DOC_PRETTY_REPORT = {
  source: AWS_TELEMETRY_DOC,
  text: `{
    "time": "2022-10-12T00:01:15.000Z",
    "type": "platform.report",
    "record": {
        "metrics": {
            "billedDurationMs": 694,
            "durationMs": 693.92,
            "initDurationMs": 397.68,
            "maxMemoryUsedMB": 84,
            "memorySizeMB": 128
        },
        "requestId": "6d68ca91-49c9-448d-89b8-7ca3e6dc66aa"
    }
}`,
  expect: {
    type: 'report',
    requestId: '6d68ca91-49c9-448d-89b8-7ca3e6dc66aa',
    durationMs: 693.92,
    billedDurationMs: 694,
    memorySizeMB: 128,
    maxMemoryUsedMB: 84,
    initDurationMs: 397.68,
    time: '2022-10-12T00:01:15.000Z',
  } satisfies LogRecord,
};

/**
 * A real Invoke LogResult (base64) from Power Tuning's test fixtures: START, three function lines,
 * END, REPORT with `ms \t` and Init Duration 300.00 ms.
 */
export const POWER_TUNING_LOG_RESULT = {
  source: 'github.com/alexcasalboni/aws-lambda-power-tuning test/unit/test-utils.js (parseLogAndExtractInitDurations)',
  base64:
    'U1RBUlQgUmVxdWVzdElkOiA0NzlmYjUxYy0xZTM4LTExZTctOTljYS02N2JmMTYzNjA4ZWQgVmVyc2lvbjogOTkKMjAxNy0wNC0xMFQyMTo1NDozMi42ODNaCTQ3OWZiNTFjLTFlMzgtMTFlNy05OWNhLTY3YmYxNjM2MDhlZAl2YWx1ZTEgPSB1bmRlZmluZWQKMjAxNy0wNC0xMFQyMTo1NDozMi42ODNaCTQ3OWZiNTFjLTFlMzgtMTFlNy05OWNhLTY3YmYxNjM2MDhlZAl2YWx1ZTIgPSB1bmRlZmluZWQKMjAxNy0wNC0xMFQyMTo1NDozMi42ODNaCTQ3OWZiNTFjLTFlMzgtMTFlNy05OWNhLTY3YmYxNjM2MDhlZAl2YWx1ZTMgPSB1bmRlZmluZWQKRU5EIFJlcXVlc3RJZDogNDc5ZmI1MWMtMWUzOC0xMWU3LTk5Y2EtNjdiZjE2MzYwOGVkClJFUE9SVCBSZXF1ZXN0SWQ6IDQ3OWZiNTFjLTFlMzgtMTFlNy05OWNhLTY3YmYxNjM2MDhlZAlEdXJhdGlvbjogMS4wIG1zCUJpbGxlZCBEdXJhdGlvbjogMSBtcyAJTWVtb3J5IFNpemU6IDEyOCBNQglNYXggTWVtb3J5IFVzZWQ6IDE1IE1CCUluaXQgRHVyYXRpb246IDMwMC4wMCBtcw==',
};
