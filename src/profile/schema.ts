/**
 * The profile as users write it (see docs/profile.schema.json), validated with zod. Parsing
 * yields durations in ms and defaults filled in; normalize.ts then builds the Profile type.
 * Cross-field rules live next to the object they concern.
 */
import { z } from 'zod';
import type { Phase, ReplaySource } from './types.js';
import {
  duration,
  httpUrl,
  isHttpUrl,
  integerAtLeast,
  jsonText,
  nonNegativeNumber,
  positiveNumber,
  strictObject,
  stringish,
} from './fields.js';
import { say } from './messages.js';
import { data, httpRequests, lambdaRequests, seed, sign } from './requests-schema.js';

const notBothZero = (value: { from: number; to: number }, ctx: z.core.$RefinementCtx) => {
  if (value.from === 0 && value.to === 0) ctx.addIssue({ code: 'custom', message: 'from and to cannot both be 0 (use idle to pause)', path: ['to'] });
};

const phaseShapes = {
  constant: strictObject({ rate: positiveNumber(), duration: duration({ positive: true }) }),
  ramp: strictObject({ from: nonNegativeNumber(), to: nonNegativeNumber(), duration: duration({ positive: true }) }).superRefine(notBothZero),
  steps: strictObject({
    from: nonNegativeNumber(),
    to: nonNegativeNumber(),
    count: integerAtLeast(1),
    stepDuration: duration({ positive: true }),
  }).superRefine(notBothZero),
  sine: strictObject({
    mean: positiveNumber(),
    amplitude: nonNegativeNumber(),
    period: duration({ positive: true }),
    duration: duration({ positive: true }),
  }).superRefine((value, ctx) => {
    if (value.mean > 0 && value.amplitude > value.mean) {
      ctx.addIssue({ code: 'custom', message: `expected at most mean (${value.mean}): the rate cannot go below 0`, path: ['amplitude'] });
    }
  }),
  poisson: strictObject({
    rate: positiveNumber(),
    duration: duration({ positive: true }),
    seed: z.int(say('expected an integer')).default(1),
  }),
  burst: strictObject({ count: integerAtLeast(1) }),
  idle: duration({ positive: true }),
  replay: strictObject({
    file: z.string(say('expected the path of a trace file, relative to the profile')).min(1),
    format: z.enum(['azure-functions-2019', 'timestamps', 'per-minute'], say('expected "azure-functions-2019", "timestamps" or "per-minute"')),
    function: stringish().optional().meta({ description: 'azure-functions-2019: the HashFunction to replay (whole, or its first 6+ characters).' }),
    from: duration({}).prefault('0m').meta({ description: "Where in the trace to start, from its first minute (whole minutes for counts per minute)." }),
    duration: duration({ positive: true }).optional().meta({ description: 'How much of the trace to replay, in trace time (default: to its end).' }),
    speedup: positiveNumber().default(1).meta({ description: 'Divides every instant: 60 replays an hour of trace in a minute.' }),
    scale: positiveNumber().default(1).meta({ description: 'Multiplies the arrivals: 0.5 keeps half, 2 sends each twice.' }),
    spread: z.enum(['poisson', 'even'], say('expected "poisson" or "even"')).default('poisson')
      .meta({ description: 'Counts per minute: where in its minute each arrival goes (a seeded Poisson process, or evenly).' }),
    seed: z.int(say('expected an integer')).default(1),
  }).superRefine((value, ctx) => {
    if (value.format === 'azure-functions-2019' && value.function === undefined) {
      ctx.addIssue({ code: 'custom', message: 'required: the HashFunction of the row to replay', path: ['function'] });
    }
    if (value.format !== 'azure-functions-2019' && value.function !== undefined) {
      ctx.addIssue({ code: 'custom', message: `not used by the ${value.format} format (a file holds one function)`, path: ['function'] });
    }
  }),
};

type PhaseName = keyof typeof phaseShapes;
const PHASE_NAMES = Object.keys(phaseShapes) as PhaseName[];
const ONE_PHASE = `expected one of ${PHASE_NAMES.join(', ')}, e.g. "constant: { rate: 50, duration: 30s }"`;

/** A list item with exactly one key naming its shape. */
const phase = z
  .preprocess(
    (input, ctx) => {
      if (input !== null && typeof input === 'object' && !Array.isArray(input) && Object.keys(input).length === 0) {
        ctx.addIssue({ code: 'custom', message: ONE_PHASE, input });
      }
      return input;
    },
    strictObject({
      constant: phaseShapes.constant.optional(),
      ramp: phaseShapes.ramp.optional(),
      steps: phaseShapes.steps.optional(),
      sine: phaseShapes.sine.optional(),
      poisson: phaseShapes.poisson.optional(),
      burst: phaseShapes.burst.optional(),
      idle: phaseShapes.idle.optional(),
      replay: phaseShapes.replay.optional(),
    }, ONE_PHASE)
      .superRefine((value, ctx) => {
        const present = PHASE_NAMES.filter((name) => value[name] !== undefined);
        if (present.length > 1) ctx.addIssue({ code: 'custom', message: `one phase per list item, found ${present.join(' and ')}` });
      })
      .meta({ description: 'One phase: exactly one of its keys.', minProperties: 1, maxProperties: 1 }),
  )
  .transform((value): Phase | ReplaySource => {
    if (value.constant) return { kind: 'constant', ratePerSec: value.constant.rate, durationMs: value.constant.duration };
    if (value.ramp) return { kind: 'ramp', fromPerSec: value.ramp.from, toPerSec: value.ramp.to, durationMs: value.ramp.duration };
    if (value.steps) {
      const { from, to, count, stepDuration } = value.steps;
      return { kind: 'steps', fromPerSec: from, toPerSec: to, count, stepMs: stepDuration };
    }
    if (value.sine) {
      const { mean, amplitude, period, duration: durationMs } = value.sine;
      return { kind: 'sine', meanPerSec: mean, amplitudePerSec: amplitude, periodMs: period, durationMs };
    }
    if (value.poisson) return { kind: 'poisson', ratePerSec: value.poisson.rate, durationMs: value.poisson.duration, seed: value.poisson.seed };
    if (value.burst) return { kind: 'burst', count: value.burst.count };
    if (value.replay) {
      const { file, format, function: fn, from, duration: durationMs, speedup, scale, spread, seed } = value.replay;
      return { kind: 'replay-file', file, format, ...(fn !== undefined && { function: fn }), fromMs: from, ...(durationMs !== undefined && { durationMs }), speedup, scale, spread, seed };
    }
    return { kind: 'idle', durationMs: value.idle ?? 0 };
  });

const OPEN_ONLY = ['maxInFlight', 'phases'] as const;
const CLOSED_ONLY = ['concurrency', 'duration', 'iterations'] as const;

const load = strictObject({
  model: z.enum(['open', 'closed'], say('expected "open" or "closed"')).default('open'),
  maxInFlight: integerAtLeast(1).optional(),
  phases: z.array(phase).optional(),
  concurrency: integerAtLeast(1).optional(),
  duration: duration({ positive: true }).optional(),
  iterations: integerAtLeast(1).optional(),
}).superRefine((value, ctx) => {
  const misplaced = value.model === 'open' ? CLOSED_ONLY : OPEN_ONLY;
  for (const key of misplaced) {
    if (value[key] !== undefined) ctx.addIssue({ code: 'custom', message: `not used by the ${value.model} model`, path: [key] });
  }
  if (value.model === 'open') {
    if (value.phases === undefined) ctx.addIssue({ code: 'custom', message: 'required: the open model needs a list of phases', path: ['phases'] });
    else if (value.phases.length === 0) ctx.addIssue({ code: 'custom', message: 'expected at least one phase', path: ['phases'] });
  } else {
    if (value.concurrency === undefined) ctx.addIssue({ code: 'custom', message: 'required: the closed model needs a number of workers', path: ['concurrency'] });
    if ((value.duration === undefined) === (value.iterations === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'expected exactly one of duration or iterations', path: [] });
    }
  }
});

const headerName = () => z.string(say('expected a header name')).regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'expected a header name');
const fieldName = () => z.string(say('expected a field name')).min(1);

/** API Gateway's JSON access log (docs/logs.md has the format to paste in the stage settings). */
const accessLog = strictObject({
  logGroup: z.string(say('expected a log group name')).min(1),
  requestIdHeader: headerName().default('apigw-requestid'),
  requestIdField: fieldName().default('requestId'),
  lambdaRequestIdField: fieldName().default('integrationRequestId'),
  integrationStatusField: fieldName().default('integrationStatus'),
});

const coldStartLogs = strictObject({
  function: z.string(say('expected a function name or ARN')).min(1).optional(),
  logGroup: z.string(say('expected a log group name')).min(1).optional(),
  region: z.string(say('expected a region like us-east-1')).min(1).optional(),
  awsProfile: z.string(say('expected a profile name')).min(1).optional(),
  endpoint: httpUrl().optional(),
  requestIdHeader: headerName().default('x-amzn-requestid'),
  accessLog: accessLog.optional(),
  wait: duration({}).prefault('60s'),
  poll: duration({ positive: true }).prefault('2s'),
});

const coldStart = strictObject({
  header: headerName().optional(),
  logs: coldStartLogs.optional(),
}).superRefine((value, ctx) => {
  if (value.header === undefined && value.logs === undefined) ctx.addIssue({ code: 'custom', message: 'expected header or logs', path: [] });
  if (value.header !== undefined && value.logs !== undefined) {
    ctx.addIssue({ code: 'custom', message: 'give header or logs, not both: each decides the start of every request', path: ['logs'] });
  }
});

const httpTarget = strictObject({
  kind: z.literal('http'),
  url: z.string(say('expected an http(s) URL')),
  method: z.string(say('expected an HTTP method like GET or POST')).regex(/^[A-Za-z]+$/).default('GET'),
  headers: z.record(z.string(), stringish()).default({}),
  body: jsonText().optional(),
  timeout: duration({ positive: true }).prefault('30s'),
  coldStart: coldStart.optional(),
  connections: integerAtLeast(1).optional(),
  local: z.lazy(() => httpLocal).optional(),
  requests: httpRequests().optional(),
  data: data().optional(),
  sign: sign().optional(),
  seed: seed(),
}).superRefine((value, ctx) => {
  if (value.local === undefined) {
    if (!isHttpUrl(value.url)) ctx.addIssue({ code: 'custom', message: 'expected an http(s) URL like http://127.0.0.1:8080/path', path: ['url'] });
  } else if (!value.url.startsWith('/')) {
    ctx.addIssue({ code: 'custom', message: "with local:, expected a path on the emulator's front, like /orders", path: ['url'] });
  }
  const logs = value.coldStart?.logs;
  if (logs !== undefined && logs.function === undefined && logs.logGroup === undefined && value.local === undefined) {
    ctx.addIssue({ code: 'custom', message: 'required: the function (or its logGroup) whose logs tell the cold starts', path: ['coldStart', 'logs', 'function'] });
  }
  const functions: unknown = value.local?.functions;
  if (value.local !== undefined && typeof functions === 'object' && functions !== null && !Object.hasOwn(functions, value.local.function)) {
    ctx.addIssue({ code: 'custom', message: `expected one of the functions in target.local.functions (${Object.keys(functions).join(', ')})`, path: ['local', 'function'] });
  }
});

const FUNCTION_NAME = /^[A-Za-z0-9_-]+$/;

const IDLE_HINT = 'expected a duration like 10m, or a distribution: { min: 5m, max: 7m } or { quantiles: [5m, 6m, 7m] }';
const idleSeed = () => z.int(say('expected an integer')).default(1);

/**
 * When the value has the shape of one form (a mapping with its keys) but a bad value inside,
 * say what is wrong inside it; otherwise list the forms.
 */
function idleTimeoutError(issue: z.core.$ZodRawIssue): string {
  if (issue.input === undefined) return 'required';
  const options = (issue as { errors?: z.core.$ZodIssue[][] }).errors ?? [];
  const wrongShape = (list: z.core.$ZodIssue[]): boolean =>
    list.some((i) => i.code === 'unrecognized_keys' || (i.path.length === 0 && (i.code === 'invalid_type' || i.code === 'invalid_union')));
  const inside = options.filter((list) => !wrongShape(list));
  if (inside.length !== 1) return IDLE_HINT;
  return inside[0]!.map((i) => (i.path.length === 0 ? i.message : `${i.path.join('.')}: ${i.message}`)).join('; ');
}

/**
 * How long an idle environment is kept: one duration, or a distribution each new environment
 * draws its own timeout from (seeded, so runs repeat): uniform on [min, max], or evenly spaced
 * quantiles with straight lines between them (src/util/quantiles.ts).
 */
const idleTimeout = z
  .union(
    [
      duration({ positive: true }),
      strictObject({ min: duration({ positive: true }), max: duration({ positive: true }), seed: idleSeed() })
        .superRefine((value, ctx) => {
          if (value.max < value.min) ctx.addIssue({ code: 'custom', message: `expected at least min (${value.min} ms)`, path: ['max'] });
        })
        .transform((value) => ({ quantilesMs: [value.min, value.max], seed: value.seed })),
      strictObject({
        quantiles: z.array(duration({ positive: true })).min(2, 'expected at least 2 quantiles: the minimum and the maximum'),
        seed: idleSeed(),
      })
        .superRefine((value, ctx) => {
          value.quantiles.forEach((q, i) => {
            if (i > 0 && q < value.quantiles[i - 1]!) ctx.addIssue({ code: 'custom', message: 'expected quantiles in increasing order', path: ['quantiles', i] });
          });
        })
        .transform((value) => ({ quantilesMs: value.quantiles, seed: value.seed })),
    ],
    { error: idleTimeoutError },
  )
  .meta({
    description:
      'How long an idle environment is kept: a duration, or a distribution each new environment draws from, ' +
      '{ min, max } (uniform) or { quantiles: [...] } (evenly spaced quantiles from the minimum to the maximum), with an optional seed.',
  });
/** `file.export`: the part after the last dot is the export, the rest a path without its extension. */
const HANDLER = /^[^\s]+\.[A-Za-z_$][\w$]*$/;
/** CloudWatch Logs log group names. */
const LOG_GROUP = /^[.\-_/#A-Za-z0-9]{1,512}$/;

const localFunction = strictObject({
  handler: z.string(say('expected file.export, like functions/hello.handler')).regex(HANDLER).optional(),
  bootstrap: z.string(say('expected a path to an executable')).min(1).optional(),
  memory: z.int(say('expected an integer number of MB from 128 to 10240')).min(128).max(10_240).default(128),
  timeout: duration({ positive: true, maxMs: 900_000, maxText: '15m (the Lambda limit)' }).prefault('3s'),
  concurrency: integerAtLeast(0).optional(),
  idleTimeout: idleTimeout.prefault('10m'),
  maxLifetime: duration({ positive: true }).prefault('2h'),
  scaleRate: positiveNumber().optional(),
  architecture: z.enum(['x86_64', 'arm64'], say('expected "x86_64" or "arm64"')).default('x86_64'),
  logFormat: z.enum(['Text', 'JSON'], say('expected "Text" or "JSON"')).default('Text'),
  cpuShare: z.boolean(say('expected true or false')).default(false),
  authType: z
    .enum(['NONE', 'AWS_IAM'], say('expected "NONE" or "AWS_IAM"'))
    .optional()
    .meta({ description: 'The Function URL front: AWS_IAM answers 403 to a request without a SigV4 signature (default NONE).' }),
  environment: z.record(z.string(), stringish()).default({}),
  // CloudWatch Logs and async invocations (docs/emulator.md; defaults in src/emulator/defaults.ts).
  logDelay: duration().optional().meta({ description: 'How long after it is written a log event can be read from the Logs API (default 2s; 0 in tests).' }),
  logGroup: z
    .string(say('expected a log group name'))
    .regex(LOG_GROUP, 'expected a log group name of 1 to 512 letters, digits and . - _ / #')
    .refine((name) => !name.startsWith('aws/'), { message: 'a custom log group cannot start with aws/ (Lambda cannot create it)' })
    .optional()
    .meta({ description: 'CloudWatch log group of the function (default /aws/lambda/<function>).' }),
  systemLogLevel: z.enum(['DEBUG', 'INFO', 'WARN'], say('expected DEBUG, INFO or WARN')).optional().meta({ description: 'JSON format only; WARN keeps platform lines out of CloudWatch Logs (default INFO).' }),
  applicationLogLevel: z
    .enum(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'], say('expected TRACE, DEBUG, INFO, WARN, ERROR or FATAL'))
    .optional()
    .meta({ description: 'JSON format only; application records below it are dropped (default INFO).' }),
  asyncRetries: z.int(say('expected an integer from 0 to 2')).min(0).max(2).optional().meta({ description: 'Async invocations: retries after a function error (default 2).' }),
  asyncRetryDelay: duration({ positive: true }).optional().meta({ description: 'Async invocations: wait before the first retry, doubled before the next (default 1m).' }),
  asyncMaxEventAge: duration({ positive: true, maxMs: 6 * 3_600_000, maxText: '6h (the Lambda limit)' })
    .optional()
    .meta({ description: 'Async invocations: an event older than this is discarded (default 6h).' }),
}).superRefine((value, ctx) => {
  if (value.handler === undefined && value.bootstrap === undefined) {
    ctx.addIssue({ code: 'custom', message: 'required (or give a bootstrap)', path: ['handler'] });
  }
  for (const key of ['systemLogLevel', 'applicationLogLevel'] as const) {
    if (value[key] !== undefined && value.logFormat !== 'JSON') {
      ctx.addIssue({ code: 'custom', message: 'log levels need logFormat: JSON (as on Lambda)', path: [key] });
    }
  }
});

const local = strictObject({
  accountConcurrency: integerAtLeast(1).default(1000),
  functions: z
    .record(z.string().regex(FUNCTION_NAME, { message: 'expected a function name of letters, digits, "-" or "_"' }), localFunction)
    .refine((functions) => Object.keys(functions).length > 0, { message: 'expected at least one function' }),
});

/** An HTTP target in front of the built-in emulator: which front, of which function. */
const httpLocal = local.extend({
  front: z.enum(['function-url', 'api-gateway'], say('expected "function-url" or "api-gateway"')).default('function-url'),
  function: z.string(say('expected the name of one of the functions below')).min(1),
});

const lambdaTarget = strictObject({
  kind: z.literal('lambda'),
  function: z.string(say('expected a function name or ARN')).min(1),
  qualifier: stringish().optional(),
  region: z.string(say('expected a region like us-east-1')).min(1).optional(),
  awsProfile: z.string(say('expected a profile name')).min(1).optional(),
  endpoint: httpUrl().optional(),
  payload: jsonText().optional(),
  payloadFile: z.string(say('expected a path to a JSON file')).min(1).optional(),
  timeout: duration({ positive: true }).prefault('30s'),
  invocationType: z.enum(['RequestResponse', 'Event'], say('expected "RequestResponse" or "Event"')).default('RequestResponse'),
  client: z.enum(['fast', 'sdk'], say('expected "fast" or "sdk"')).default('fast').meta({
    description: "How each Invoke is sent: fast (default) signs it with the SDK's SigV4 signer and sends it through coldbench's own HTTP connection pool; sdk sends it through @aws-sdk/client-lambda's InvokeCommand.",
  }),
  coldStart: strictObject({ logs: coldStartLogs }).optional(),
  memory: z.int(say('expected an integer number of MB from 128 to 10240')).min(128).max(10_240).optional()
    .meta({ description: "The function's memory in MB, for cost when the endpoint cannot tell it (no GetFunctionConfiguration)." }),
  architecture: z.enum(['x86_64', 'arm64'], say('expected "x86_64" or "arm64"')).optional()
    .meta({ description: "The function's architecture, for cost when the endpoint cannot tell it." }),
  local: local.optional(),
  requests: lambdaRequests().optional(),
  data: data().optional(),
  seed: seed(),
}).superRefine((value, ctx) => {
  if (value.payload !== undefined && value.payloadFile !== undefined) {
    ctx.addIssue({ code: 'custom', message: 'give payload or payloadFile, not both', path: ['payloadFile'] });
  }
  // Refinements also run when a nested value had a problem: look before touching it.
  const functions: unknown = value.local?.functions;
  if (typeof functions === 'object' && functions !== null && !Object.hasOwn(functions, value.function)) {
    const known = Object.keys(functions).join(', ');
    ctx.addIssue({ code: 'custom', message: `expected one of the functions in target.local.functions (${known})`, path: ['function'] });
  }
  if (typeof functions === 'object' && functions !== null) {
    (value.requests ?? []).forEach((request, index) => {
      if (request.function !== undefined && !Object.hasOwn(functions, request.function)) {
        const known = Object.keys(functions).join(', ');
        ctx.addIssue({ code: 'custom', message: `expected one of the functions in target.local.functions (${known})`, path: ['requests', index, 'function'] });
      }
    });
  }
});

const target = z.discriminatedUnion('kind', [httpTarget, lambdaTarget], {
  error: (issue) => {
    if (issue.input === undefined) return 'required';
    if (issue.input === null || typeof issue.input !== 'object') return 'expected a mapping with kind: http or kind: lambda';
    if (!('kind' in issue.input)) return 'required: "http" or "lambda"';
    return 'expected "http" or "lambda"';
  },
});

const price = () => nonNegativeNumber().optional();

const ENVIRONMENT_NAME = /^[A-Za-z0-9_-]+$/;

/** Configurations to compare (docs/matrix.md): the product of every list given. */
const matrix = strictObject({
  memory: z
    .array(z.int(say('expected an integer number of MB from 128 to 10240')).min(128).max(10_240))
    .min(1, 'expected at least one memory size')
    .optional(),
  architecture: z
    .array(z.enum(['x86_64', 'arm64'], say('expected "x86_64" or "arm64"')))
    .min(1, 'expected at least one architecture')
    .optional(),
  environment: z
    .record(
      z.string().regex(ENVIRONMENT_NAME, { message: 'expected a name of letters, digits, "-" or "_"' }),
      z.record(z.string(), stringish()),
    )
    .refine((sets) => Object.keys(sets).length > 0, { message: 'expected at least one named set of variables' })
    .optional(),
  functions: z.array(z.string(say('expected a function name, ARN, or name:alias')).min(1)).min(1, 'expected at least one function').optional(),
  coldStarts: integerAtLeast(0).default(0),
  rounds: integerAtLeast(1).default(1),
}).superRefine((value, ctx) => {
  const lists = [value.memory, value.architecture, value.environment, value.functions];
  if (lists.every((list) => list === undefined)) {
    ctx.addIssue({ code: 'custom', message: 'expected at least one of memory, architecture, environment or functions', path: [] });
  }
  for (const key of ['memory', 'architecture', 'functions'] as const) {
    const list: readonly unknown[] = value[key] ?? [];
    if (new Set(list).size !== list.length) ctx.addIssue({ code: 'custom', message: 'expected no repeated values', path: [key] });
  }
});

/** `coldbench sweep idle` settings kept with the profile (docs/sweep.md); flags override them. */
const sweep = strictObject({
  gaps: z.array(duration({ positive: true })).min(1, 'expected at least one gap').optional()
    .meta({ description: 'Idle gaps to measure, increasing, e.g. [1m, 5m, 10m, 15m, 30m].' }),
  samples: integerAtLeast(1).optional().meta({ description: 'Environments warmed and probed per gap (default 20).' }),
  functions: z.array(z.string(say('expected a function name, ARN, or name:alias')).min(1)).min(1, 'expected at least one function').optional()
    .meta({ description: 'Deployed copies of the function (or name:alias) to run gaps side by side.' }),
}).superRefine((value, ctx) => {
  (value.gaps ?? []).forEach((gap, i, gaps) => {
    if (i > 0 && gap <= gaps[i - 1]!) ctx.addIssue({ code: 'custom', message: 'expected gaps in increasing order', path: ['gaps', i] });
  });
});

export const profileSchema = strictObject({
  name: z
    .string(say('expected a name of letters, digits, ".", "_" or "-" (it names the result file)'))
    .regex(/^[A-Za-z0-9._-]+$/),
  target,
  load,
  thresholds: z
    .array(
      z.union(
        [
          z.string(),
          strictObject({ rule: z.string(say('expected a rule like "warm.p99 < 250ms"')), abortOnFail: z.boolean(say('expected true or false')).optional() }),
        ],
        say('expected a rule like "warm.p99 < 250ms", or { rule: ..., abortOnFail: true }'),
      ),
    )
    .default([]),
  prices: strictObject({ x86_64PerGBSecond: price(), arm64PerGBSecond: price(), perRequest: price() }).optional(),
  matrix: matrix.optional(),
  sweep: sweep.optional(),
}).superRefine((value, ctx) => {
  if (value.matrix === undefined || value.target === undefined) return;
  if (value.target.kind !== 'lambda') {
    ctx.addIssue({ code: 'custom', message: 'a matrix needs a lambda target (its configuration is changed between runs)', path: ['matrix'] });
    return;
  }
  const changes = value.matrix.memory ?? value.matrix.architecture ?? value.matrix.environment;
  // UpdateFunctionConfiguration changes $LATEST only: a version or alias cannot be reconfigured.
  const qualified = (value.matrix.functions ?? []).filter((name) => qualifierOf(name) !== undefined);
  if (changes !== undefined && (value.target.qualifier !== undefined || qualified.length > 0)) {
    ctx.addIssue({
      code: 'custom',
      message: 'memory, architecture and environment change $LATEST only: they cannot be combined with a qualifier or an alias in matrix.functions',
      path: ['matrix'],
    });
  }
  const functions: unknown = value.target.local?.functions;
  if (typeof functions === 'object' && functions !== null) {
    (value.matrix.functions ?? []).forEach((name, index) => {
      if (!Object.hasOwn(functions, name)) {
        ctx.addIssue({ code: 'custom', message: `expected one of the functions in target.local.functions (${Object.keys(functions).join(', ')})`, path: ['matrix', 'functions', index] });
      }
    });
  }
});

/** `name:alias` or `arn:...:function:name:alias` -> the alias; undefined for a bare name or ARN. */
function qualifierOf(functionName: string): string | undefined {
  const parts = functionName.split(':');
  const qualifier = functionName.startsWith('arn:') ? parts[7] : parts[1];
  return qualifier === undefined || qualifier === '' ? undefined : qualifier;
}

export type ProfileInput = z.input<typeof profileSchema>;
export type ProfileOutput = z.output<typeof profileSchema>;
