/**
 * Redaction through the real binary: a value that came from `${VAR}` in a string field never
 * appears in anything coldbench prints (stdout, stderr, error messages and hints, warnings) or
 * saves (result files and their names, the matrix result, the GitHub step summary).
 *
 * The fields are enumerated from the profile schema: every field that accepts a string is listed
 * below with the profile that puts a secret in it, and a test fails when the schema has a string
 * field that no profile covers (a field added later must be added here).
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profileJsonSchema } from '../../src/profile/index.js';
import { coldbench } from '../helpers/bin.js';
import type { Ran } from '../helpers/bin.js';

/** Every leaf path of a JSON Schema that accepts a string: `.target.headers.*`, `.thresholds[].rule`. */
function stringFields(schema: Record<string, unknown>): Set<string> {
  const found = new Set<string>();
  const walk = (node: unknown, path: string): void => {
    if (node === null || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    for (const key of ['oneOf', 'anyOf', 'allOf']) (n[key] as unknown[] | undefined)?.forEach((x) => walk(x, path));
    for (const [key, inner] of Object.entries((n.properties as Record<string, unknown> | undefined) ?? {})) walk(inner, `${path}.${key}`);
    if (typeof n.additionalProperties === 'object') walk(n.additionalProperties, `${path}.*`);
    if (n.items !== undefined) walk(n.items, `${path}[]`);
    if ([n.type].flat().includes('string')) found.add(path);
  };
  walk(schema, '');
  return found;
}

interface Group {
  /** Profile text; `${NAME}` references are filled from `env`. */
  profile: (ctx: Context) => string;
  /** Schema path -> the variable that fills it and its (secret) value. */
  fields: Record<string, [variable: string, value: string]>;
  /** Fields whose values are words of a fixed list (enums): checked where they are stored. */
  enums?: Record<string, (savedProfile: Record<string, any>) => unknown>;
  /** coldbench arguments after the profile path. */
  args: (ctx: Context) => string[];
  /** Extra environment (credentials for the SDK, ...). */
  env?: (ctx: Context) => Record<string, string>;
  /** The exit code (or codes, where the outcome of a failed read may be either). */
  expectCode: number | number[];
}

interface Context {
  dir: string;
  url: string;
  closedPort: number;
  out: string;
}

const GROUPS: Record<string, Group> = {
  http: {
    profile: () => `name: "\${NAME}"
target:
  kind: http
  url: "\${URL}"
  method: "\${METHOD}"
  headers:
    x-custom: "\${HEADER}"
  body: "\${BODY}"
  timeout: "\${TIMEOUT}"
  coldStart:
    header: "\${COLD_HEADER}"
load:
  maxInFlight: 50
  phases:
    - constant: { rate: 20, duration: "\${D_CONSTANT}" }
    - ramp: { from: 10, to: 20, duration: "\${D_RAMP}" }
    - steps: { from: 10, to: 20, count: 2, stepDuration: "\${D_STEP}" }
    - sine: { mean: 20, amplitude: 5, period: "\${D_PERIOD}", duration: "\${D_SINE}" }
    - poisson: { rate: 20, duration: "\${D_POISSON}", seed: 1 }
    - idle: "\${D_IDLE}"
thresholds:
  - "\${RULE_TEXT}"
  - { rule: "\${RULE_FIELD}" }
`,
    fields: {
      '.name': ['NAME', 'nm-Hid-den1'],
      '.target.url': ['URL', 'placeholder'],
      '.target.method': ['METHOD', 'PATCH'],
      '.target.headers.*': ['HEADER', 'hdr-Hid-den2'],
      '.target.body': ['BODY', 'body-Hid-den3'],
      '.target.timeout': ['TIMEOUT', '7919ms'],
      '.target.coldStart.header': ['COLD_HEADER', 'x-cold-Hid-den4'],
      '.load.phases[].constant.duration': ['D_CONSTANT', '313ms'],
      '.load.phases[].ramp.duration': ['D_RAMP', '211ms'],
      '.load.phases[].steps.stepDuration': ['D_STEP', '107ms'],
      '.load.phases[].sine.period': ['D_PERIOD', '709ms'],
      '.load.phases[].sine.duration': ['D_SINE', '401ms'],
      '.load.phases[].poisson.duration': ['D_POISSON', '307ms'],
      '.load.phases[].idle': ['D_IDLE', '103ms'],
      '.thresholds[]': ['RULE_TEXT', 'errors.count < 7573'],
      '.thresholds[].rule': ['RULE_FIELD', 'all.max < 9431s'],
    },
    args: (ctx) => ['--out', ctx.out, '--no-progress'],
    expectCode: 0,
  },
  closed: {
    profile: () => `name: closed
target: { kind: "\${KIND}", url: "\${URL2}" }
load: { model: "\${MODEL}", concurrency: 2, duration: "\${C_DURATION}" }
`,
    fields: {
      '.target.kind': ['KIND', 'http'],
      '.load.model': ['MODEL', 'closed'],
      '.load.duration': ['C_DURATION', '1207ms'],
      '.target.url': ['URL2', 'placeholder'],
    },
    enums: { '.target.kind': (p) => p.target.kind, '.load.model': (p) => p.load.model },
    args: (ctx) => ['--out', ctx.out, '--no-progress', '--format', 'md'],
    expectCode: 0,
  },
  lambdaLocal: {
    profile: () => `name: local
target:
  kind: lambda
  function: "\${FUNCTION}"
  payload: "\${PAYLOAD}"
  invocationType: "\${INVOCATION_TYPE}"
  client: "\${CLIENT}"
  local:
    functions:
      fn-Hid-den5:
        handler: "\${HANDLER}"
        timeout: "\${F_TIMEOUT}"
        idleTimeout: "\${F_IDLE}"
        maxLifetime: "\${F_LIFETIME}"
        architecture: "\${F_ARCH}"
        logFormat: "\${F_LOG}"
        environment: { GREETING: "\${F_ENV}" }
        logDelay: "\${F_LOG_DELAY}"
        logGroup: "\${F_LOG_GROUP}"
        systemLogLevel: "\${F_SYSTEM_LEVEL}"
        applicationLogLevel: "\${F_APP_LEVEL}"
        asyncRetryDelay: "\${F_ASYNC_DELAY}"
        asyncMaxEventAge: "\${F_ASYNC_AGE}"
      other:
        bootstrap: "\${BOOTSTRAP}"
load: { phases: [ { constant: { rate: 10, duration: 300ms } } ] }
`,
    fields: {
      '.target.function': ['FUNCTION', 'fn-Hid-den5'],
      '.target.payload': ['PAYLOAD', 'payload-Hid-den6'],
      '.target.invocationType': ['INVOCATION_TYPE', 'RequestResponse'],
      '.target.client': ['CLIENT', 'sdk'],
      '.target.local.functions.*.handler': ['HANDLER', 'hid-den7/hello.handler'],
      '.target.local.functions.*.timeout': ['F_TIMEOUT', '2917ms'],
      '.target.local.functions.*.idleTimeout': ['F_IDLE', '3011ms'],
      '.target.local.functions.*.maxLifetime': ['F_LIFETIME', '7207s'],
      '.target.local.functions.*.architecture': ['F_ARCH', 'arm64'],
      '.target.local.functions.*.logFormat': ['F_LOG', 'JSON'],
      '.target.local.functions.*.environment.*': ['F_ENV', 'env-Hid-den8'],
      '.target.local.functions.*.bootstrap': ['BOOTSTRAP', 'boot-Hid-den9/bootstrap'],
      '.target.local.functions.*.logDelay': ['F_LOG_DELAY', '13ms'],
      '.target.local.functions.*.logGroup': ['F_LOG_GROUP', '/custom/lg-Hid-den20'],
      '.target.local.functions.*.systemLogLevel': ['F_SYSTEM_LEVEL', 'INFO'],
      '.target.local.functions.*.applicationLogLevel': ['F_APP_LEVEL', 'DEBUG'],
      '.target.local.functions.*.asyncRetryDelay': ['F_ASYNC_DELAY', '4111ms'],
      '.target.local.functions.*.asyncMaxEventAge': ['F_ASYNC_AGE', '5h'],
    },
    enums: {
      '.target.invocationType': (p) => p.target.invocationType,
      '.target.client': (p) => p.target.client,
      '.target.local.functions.*.architecture': (p) => Object.values(p.target.local.functions as Record<string, any>)[0].architecture,
      '.target.local.functions.*.logFormat': (p) => Object.values(p.target.local.functions as Record<string, any>)[0].logFormat,
      '.target.local.functions.*.systemLogLevel': (p) => Object.values(p.target.local.functions as Record<string, any>)[0].systemLogLevel,
      '.target.local.functions.*.applicationLogLevel': (p) => Object.values(p.target.local.functions as Record<string, any>)[0].applicationLogLevel,
      // "5h" is also a substring of base64 and of hashes: checked where it is stored.
      '.target.local.functions.*.asyncMaxEventAge': (p) => Object.values(p.target.local.functions as Record<string, any>)[0].asyncMaxEventAge,
    },
    args: (ctx) => ['--out', ctx.out, '--no-progress', '--json'],
    expectCode: 0,
  },
  lambdaUnreachable: {
    // The endpoint is a closed port: the run stops at its preflight with an error and a hint.
    profile: () => `name: unreachable
target:
  kind: lambda
  function: "\${FUNCTION2}"
  qualifier: "\${QUALIFIER}"
  region: "\${REGION}"
  endpoint: "\${ENDPOINT}"
  payloadFile: "\${PAYLOAD_FILE}"
  architecture: "\${ARCH2}"
load: { phases: [ { constant: { rate: 10, duration: 300ms } } ] }
`,
    fields: {
      '.target.function': ['FUNCTION2', 'fn2-Hid-den10'],
      '.target.qualifier': ['QUALIFIER', 'alias-Hid-den11'],
      '.target.region': ['REGION', 'region-Hid-den12'],
      '.target.endpoint': ['ENDPOINT', 'placeholder'],
      '.target.payloadFile': ['PAYLOAD_FILE', 'pf-Hid-den13.json'],
      '.target.architecture': ['ARCH2', 'arm64'],
    },
    enums: { '.target.architecture': (p) => p.target.architecture },
    args: (ctx) => ['--out', ctx.out, '--no-progress'],
    env: () => ({ AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' }),
    expectCode: 1,
  },
  awsProfile: {
    // A named AWS profile that does not exist: the credentials error names it.
    profile: () => `name: noprofile
target:
  kind: lambda
  function: fn3
  region: us-east-1
  awsProfile: "\${AWS_PROFILE_NAME}"
  endpoint: "http://127.0.0.1:1/"
load: { phases: [ { constant: { rate: 10, duration: 300ms } } ] }
`,
    fields: { '.target.awsProfile': ['AWS_PROFILE_NAME', 'awsp-Hid-den14'] },
    args: (ctx) => ['--out', ctx.out, '--no-progress'],
    env: (ctx) => ({ AWS_CONFIG_FILE: join(ctx.dir, 'no-config'), AWS_SHARED_CREDENTIALS_FILE: join(ctx.dir, 'no-credentials'), AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' }),
    expectCode: 1,
  },
  httpFront: {
    // An HTTP target in front of the built-in emulator's function URL.
    profile: () => `name: front
target:
  kind: http
  url: "\${FRONT_PATH}"
  local:
    front: "\${FRONT}"
    function: "\${FRONT_FUNCTION}"
    functions: { hf-Hid-den23: { handler: functions/hello.handler } }
load: { phases: [ { constant: { rate: 10, duration: 300ms } } ] }
`,
    fields: {
      '.target.local.front': ['FRONT', 'function-url'],
      '.target.local.function': ['FRONT_FUNCTION', 'hf-Hid-den23'],
      '.target.url': ['FRONT_PATH', '/path-Hid-den22'],
    },
    enums: { '.target.local.front': (p) => p.target.local.front },
    args: (ctx) => ['--out', ctx.out, '--no-progress'],
    expectCode: 0,
  },
  httpLogs: {
    // Cold starts from CloudWatch Logs at an endpoint that is not there (a closed port) under a
    // named AWS profile that does not exist: the reading fails, and says so.
    profile: () => `name: logs
target:
  kind: http
  url: "\${LOGS_URL}"
  coldStart:
    logs:
      function: "\${L_FUNCTION}"
      logGroup: "\${L_GROUP}"
      region: "\${L_REGION}"
      awsProfile: "\${L_PROFILE}"
      endpoint: "\${L_ENDPOINT}"
      requestIdHeader: "\${L_HEADER}"
      wait: "\${L_WAIT}"
      poll: "\${L_POLL}"
      accessLog:
        logGroup: "\${A_GROUP}"
        requestIdHeader: "\${A_HEADER}"
        requestIdField: "\${A_FIELD}"
        lambdaRequestIdField: "\${A_LAMBDA_FIELD}"
        integrationStatusField: "\${A_STATUS_FIELD}"
load: { phases: [ { constant: { rate: 10, duration: 300ms } } ] }
`,
    fields: {
      '.target.coldStart.logs.function': ['L_FUNCTION', 'lfn-Hid-den24'],
      '.target.coldStart.logs.logGroup': ['L_GROUP', '/custom/lg-Hid-den25'],
      '.target.coldStart.logs.region': ['L_REGION', 'region-Hid-den26'],
      '.target.coldStart.logs.awsProfile': ['L_PROFILE', 'awsp-Hid-den27'],
      '.target.coldStart.logs.endpoint': ['L_ENDPOINT', 'placeholder'],
      '.target.coldStart.logs.requestIdHeader': ['L_HEADER', 'x-rid-Hid-den28'],
      '.target.coldStart.logs.wait': ['L_WAIT', '1013ms'],
      '.target.coldStart.logs.poll': ['L_POLL', '503ms'],
      '.target.coldStart.logs.accessLog.logGroup': ['A_GROUP', '/custom/ag-Hid-den29'],
      '.target.coldStart.logs.accessLog.requestIdHeader': ['A_HEADER', 'x-apigw-Hid-den30'],
      '.target.coldStart.logs.accessLog.requestIdField': ['A_FIELD', 'rid-Hid-den31'],
      '.target.coldStart.logs.accessLog.lambdaRequestIdField': ['A_LAMBDA_FIELD', 'lrid-Hid-den32'],
      '.target.coldStart.logs.accessLog.integrationStatusField': ['A_STATUS_FIELD', 'st-Hid-den33'],
      '.target.url': ['LOGS_URL', 'placeholder'],
    },
    args: (ctx) => ['--out', ctx.out, '--no-progress'],
    env: (ctx) => ({ AWS_CONFIG_FILE: join(ctx.dir, 'no-config'), AWS_SHARED_CREDENTIALS_FILE: join(ctx.dir, 'no-credentials') }),
    expectCode: [0, 1],
  },
  mix: {
    // A mix of requests reading a data file, signed (the loopback server takes any signature).
    profile: () => `name: mix
target:
  kind: http
  url: "\${MIX_URL}"
  data: { file: "\${DATA_FILE}", order: "\${DATA_ORDER}", format: "\${DATA_FORMAT}" }
  sign: { service: "\${SIGN_SERVICE}", region: "\${SIGN_REGION}" }
  requests:
    - { name: "\${REQ_NAME}", method: "\${REQ_METHOD}", path: "\${REQ_PATH}", headers: { x-h: "\${REQ_HEADER}" }, body: "\${REQ_BODY}" }
    - { name: other, url: "\${REQ_URL}" }
load: { phases: [ { constant: { rate: 10, duration: 300ms } } ] }
`,
    fields: {
      '.target.url': ['MIX_URL', 'placeholder'],
      '.target.data.file': ['DATA_FILE', 'data-Hid-den40.csv'],
      '.target.data.order': ['DATA_ORDER', 'sequential'],
      '.target.data.format': ['DATA_FORMAT', 'csv'],
      '.target.sign.service': ['SIGN_SERVICE', 'svc-Hid-den41'],
      '.target.sign.region': ['SIGN_REGION', 'region-Hid-den42'],
      '.target.requests[].name': ['REQ_NAME', 'rq-Hid-den43'],
      '.target.requests[].method': ['REQ_METHOD', 'PATCH'],
      '.target.requests[].path': ['REQ_PATH', '/p-Hid-den44'],
      '.target.requests[].headers.*': ['REQ_HEADER', 'rh-Hid-den45'],
      '.target.requests[].body': ['REQ_BODY', 'rb-Hid-den46'],
      '.target.requests[].url': ['REQ_URL', 'placeholder'],
    },
    enums: { '.target.data.order': (p) => p.target.data.order, '.target.data.format': (p) => p.target.data.format },
    args: (ctx) => ['--out', ctx.out, '--no-progress'],
    expectCode: 0,
  },
  lambdaMix: {
    profile: () => `name: lmix
target:
  kind: lambda
  function: lm-Hid-den50
  requests:
    - { name: a, function: "\${LR_FUNCTION}", qualifier: "\${LR_QUALIFIER}", payload: "\${LR_PAYLOAD}" }
    - { name: b, payloadFile: "\${LR_PAYLOAD_FILE}" }
  local: { functions: { lm-Hid-den50: { handler: functions/hello.handler, authType: "\${AUTH_TYPE}" } } }
load: { phases: [ { constant: { rate: 10, duration: 300ms } } ] }
`,
    fields: {
      '.target.requests[].function': ['LR_FUNCTION', 'lm-Hid-den50'],
      '.target.requests[].qualifier': ['LR_QUALIFIER', 'q-Hid-den51'],
      '.target.requests[].payload': ['LR_PAYLOAD', '"lp-Hid-den52"'],
      '.target.requests[].payloadFile': ['LR_PAYLOAD_FILE', 'lpf-Hid-den53.json'],
      '.target.local.functions.*.authType': ['AUTH_TYPE', 'AWS_IAM'],
    },
    enums: { '.target.local.functions.*.authType': (p) => Object.values(p.target.local.functions as Record<string, any>)[0].authType },
    args: (ctx) => ['--out', ctx.out, '--no-progress'],
    expectCode: [0, 1],
  },
  matrix: {
    profile: () => `name: mx
target:
  kind: lambda
  function: mfn-Hid-den15
  local: { functions: { mfn-Hid-den15: { handler: functions/hello.handler } } }
load: { phases: [ { constant: { rate: 10, duration: 300ms } } ] }
matrix:
  functions: [ "\${M_FUNCTION}" ]
  architecture: [ "\${M_ARCH}" ]
  environment: { tuned: { TUNE: "\${M_ENV}" } }
`,
    fields: {
      '.matrix.functions[]': ['M_FUNCTION', 'mfn-Hid-den15'],
      '.matrix.architecture[]': ['M_ARCH', 'arm64'],
      '.matrix.environment.*.*': ['M_ENV', 'menv-Hid-den16'],
    },
    enums: { '.matrix.architecture[]': (p) => p.matrix.architecture[0] },
    args: (ctx) => ['--out', ctx.out, '--no-progress'],
    expectCode: 0,
  },
  replay: {
    // The trace (tr-Hid-den90.csv, written before the run) holds the function fnhash-Hid-den91.
    profile: () => `name: replay
target:
  kind: lambda
  function: rp
  local:
    functions:
      rp: { handler: functions/hello.handler, idleTimeout: { min: "\${IDLE_MIN}", max: "\${IDLE_MAX}" } }
      rq: { handler: functions/hello.handler, idleTimeout: { quantiles: [ "\${IDLE_Q}", 5s ] } }
load:
  phases:
    - replay: { file: "\${TRACE_FILE}", format: "\${TRACE_FORMAT}", function: "\${TRACE_FN}", from: "\${TRACE_FROM}", duration: "\${TRACE_DURATION}", speedup: 600, spread: "\${SPREAD}" }
sweep: { gaps: [ "\${SWEEP_GAP}" ], functions: [ "\${SWEEP_FN}" ] }
`,
    fields: {
      '.target.local.functions.*.idleTimeout.min': ['IDLE_MIN', '1409ms'],
      '.target.local.functions.*.idleTimeout.max': ['IDLE_MAX', '1607ms'],
      '.target.local.functions.*.idleTimeout.quantiles[]': ['IDLE_Q', '1811ms'],
      '.load.phases[].replay.file': ['TRACE_FILE', 'tr-Hid-den90.csv'],
      '.load.phases[].replay.format': ['TRACE_FORMAT', 'azure-functions-2019'],
      '.load.phases[].replay.function': ['TRACE_FN', 'fnhash-Hid-den91'],
      '.load.phases[].replay.from': ['TRACE_FROM', '60000ms'],
      '.load.phases[].replay.duration': ['TRACE_DURATION', '120000ms'],
      '.load.phases[].replay.spread': ['SPREAD', 'even'],
      '.sweep.gaps[]': ['SWEEP_GAP', '2027ms'],
      '.sweep.functions[]': ['SWEEP_FN', 'swfn-Hid-den92'],
    },
    enums: {
      '.load.phases[].replay.format': (p) => p.load.phases[0].replay.format,
      '.load.phases[].replay.spread': (p) => p.load.phases[0].replay.spread,
    },
    args: (ctx) => ['--out', ctx.out, '--no-progress'],
    expectCode: 0,
  },
};

let server: Server;
let base: Omit<Context, 'out'>;

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const closedPort = (closed.address() as AddressInfo).port;
  await new Promise((r) => closed.close(r));
  const dir = await mkdtemp(join(tmpdir(), 'coldbench-redact-'));
  base = { dir, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, closedPort };
  const hello = resolve(import.meta.dirname, '../../profiles/functions/hello.mjs');
  for (const folder of ['functions', 'hid-den7']) {
    await mkdir(join(dir, folder), { recursive: true });
    await copyFile(hello, join(dir, folder, 'hello.mjs'));
  }
  await writeFile(join(dir, 'pf-Hid-den13.json'), '{"from":"a file"}');
  await writeFile(join(dir, 'data-Hid-den40.csv'), 'user\nada\n');
  await writeFile(join(dir, 'lpf-Hid-den53.json'), '{"from":"a file"}');
  await writeFile(join(dir, 'tr-Hid-den90.csv'), 'HashOwner,HashApp,HashFunction,Trigger,1,2,3\no,a,fnhash-Hid-den91,http,0,2,1\n');
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await rm(base.dir, { recursive: true, force: true });
});

function valuesOf(group: Group, ctx: Context): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [variable, value] of Object.values(group.fields)) env[variable] = value;
  // Values that must point somewhere real carry the secret in a part that does not matter.
  if (env.URL !== undefined) env.URL = `${ctx.url}/url-Hid-den17`;
  if (env.URL2 !== undefined) env.URL2 = `${ctx.url}/url-Hid-den18`;
  if (env.ENDPOINT !== undefined) env.ENDPOINT = `http://127.0.0.1:${ctx.closedPort}/ep-Hid-den19`;
  if (env.LOGS_URL !== undefined) env.LOGS_URL = `${ctx.url}/url-Hid-den34`;
  if (env.MIX_URL !== undefined) env.MIX_URL = `${ctx.url}/url-Hid-den48`;
  if (env.REQ_URL !== undefined) env.REQ_URL = `${ctx.url}/u-Hid-den47`;
  if (env.L_ENDPOINT !== undefined) env.L_ENDPOINT = `http://127.0.0.1:${ctx.closedPort}/logs-Hid-den35`;
  return env;
}

/** Every file under `dir` (names and contents), with the base64 histograms left out. */
async function savedText(dir: string): Promise<string> {
  const info = await stat(dir).catch(() => undefined);
  if (info === undefined) return '';
  let text = '';
  for (const name of await readdir(dir, { recursive: true })) {
    const file = join(dir, name);
    if (!(await stat(file)).isFile()) continue;
    text += `\n${name}\n${withoutHistograms(await readFile(file, 'utf8'))}`;
  }
  return text;
}

function withoutHistograms(text: string): string {
  return text.replace(/"histograms": \{[^}]*\}/g, '"histograms": {}');
}

function savedProfiles(dir: string): Promise<Record<string, any>[]> {
  return readdir(dir).then((names) =>
    Promise.all(names.filter((n) => n.endsWith('.json')).map(async (n) => (JSON.parse(await readFile(join(dir, n), 'utf8')) as { profile: Record<string, any> }).profile)),
  );
}

describe('secrets from ${VAR} never leave coldbench in clear', () => {
  it('every string field of the profile schema is covered below', () => {
    const covered = new Set(Object.values(GROUPS).flatMap((g) => Object.keys(g.fields)));
    expect([...stringFields(profileJsonSchema())].sort()).toEqual([...covered].sort());
  });

  it.each(Object.keys(GROUPS))('%s: run, validate and validate --json', async (name) => {
    const group = GROUPS[name]!;
    const ctx: Context = { ...base, out: join(base.dir, `out-${name}`) };
    const env = valuesOf(group, ctx);
    const file = join(base.dir, `${name}.yaml`);
    await writeFile(file, group.profile(ctx));
    const summary = join(base.dir, `summary-${name}.md`);
    const runEnv = { ...env, ...group.env?.(ctx), GITHUB_STEP_SUMMARY: summary };
    const ran: Ran[] = [await coldbench(['run', file, ...group.args(ctx)], { cwd: base.dir, env: runEnv })];
    expect([group.expectCode].flat(), ran[0]!.stderr).toContain(ran[0]!.code);
    ran.push(await coldbench(['validate', file], { cwd: base.dir, env: runEnv }));
    ran.push(await coldbench(['validate', file, '--json'], { cwd: base.dir, env: runEnv }));
    const printed = ran.map((r) => `${withoutHistograms(r.stdout)}\n${r.stderr}`).join('\n');
    const saved = `${await savedText(ctx.out)}\n${await readFile(summary, 'utf8').catch(() => '')}`;
    const enums = new Set(Object.keys(group.enums ?? {}));
    for (const [path, [variable]] of Object.entries(group.fields)) {
      if (enums.has(path)) continue;
      const secret = env[variable]!;
      expect(printed, `${path}: printed`).not.toContain(secret);
      expect(saved, `${path}: saved`).not.toContain(secret);
    }
    // A word of a fixed list (http, arm64) also appears where no secret is involved: the check is
    // that where the value is stored, it reads ***.
    if (group.enums !== undefined) {
      const profiles = [...(ran[0]!.code === 0 ? await savedProfiles(ctx.out) : []), JSON.parse(ran[2]!.stdout) as Record<string, any>];
      for (const [path, read] of Object.entries(group.enums)) {
        for (const p of profiles) expect(read(p), path).toBe('***');
      }
    }
  }, 60_000);
});
