import { describe, expect, it } from 'vitest';
import { parse, problemsOf } from './helpers.js';

const LOAD = 'load: { phases: [ burst: { count: 1 } ] }\n';

describe('lambda targets', () => {
  it('fills in defaults and anchors the emulator at the profile folder', () => {
    const loaded = parse(
      `name: l
target:
  kind: lambda
  function: hello
  qualifier: 3
  payload: { sku: 42 }
  local:
    functions:
      hello:
        handler: functions/hello.handler
        environment: { INIT_MS: 150, DEBUG: true }
      custom:
        bootstrap: runtimes/bootstrap
        memory: 1024
        architecture: arm64
        logFormat: JSON
        concurrency: 0
        scaleRate: 2.5
        timeout: 15m
${LOAD}`,
      { baseDir: '/srv/profiles/' },
    );
    expect(loaded.profile.target).toEqual({
      kind: 'lambda',
      function: 'hello',
      invocationType: 'RequestResponse',
      client: 'fast',
      qualifier: '3',
      payload: '{"sku":42}',
      timeoutMs: 30_000,
      local: {
        baseDir: '/srv/profiles',
        accountConcurrency: 1000,
        functions: {
          hello: {
            handler: 'functions/hello.handler',
            memoryMB: 128,
            timeoutMs: 3000,
            idleTimeoutMs: 600_000,
            maxLifetimeMs: 7_200_000,
            environment: { INIT_MS: '150', DEBUG: 'true' },
            architecture: 'x86_64',
            logFormat: 'Text',
            cpuShare: false,
          },
          custom: {
            handler: 'index.handler',
            bootstrap: 'runtimes/bootstrap',
            memoryMB: 1024,
            timeoutMs: 900_000,
            idleTimeoutMs: 600_000,
            maxLifetimeMs: 7_200_000,
            concurrency: 0,
            scaleRatePerSec: 2.5,
            environment: {},
            architecture: 'arm64',
            logFormat: 'JSON',
            cpuShare: false,
          },
        },
      },
    });
  });

  it('reads the CloudWatch Logs and async keys of a local function', () => {
    const loaded = parse(`name: l
target:
  kind: lambda
  function: f
  local:
    functions:
      f:
        handler: a.handler
        logFormat: JSON
        logDelay: 0
        logGroup: /app/shared
        systemLogLevel: WARN
        applicationLogLevel: ERROR
        asyncRetries: 0
        asyncRetryDelay: 100ms
        asyncMaxEventAge: 90s
${LOAD}`);
    expect(loaded.profile.target).toMatchObject({
      local: {
        functions: {
          f: {
            logDelayMs: 0,
            logGroup: '/app/shared',
            systemLogLevel: 'WARN',
            applicationLogLevel: 'ERROR',
            asyncRetries: 0,
            asyncRetryDelayMs: 100,
            asyncMaxEventAgeMs: 90_000,
          },
        },
      },
    });
  });

  it('reads payloadFile relative to the profile', () => {
    const read: string[] = [];
    const loaded = parse(`name: l\ntarget: { kind: lambda, function: f, payloadFile: events/a.json }\n${LOAD}`, {
      baseDir: '/p',
      readFile: (file) => {
        read.push(file);
        return '{"a":1}';
      },
    });
    expect(read).toEqual(['/p/events/a.json']);
    expect(loaded.profile.target).toMatchObject({ payload: '{"a":1}' });
  });

  it('reports a payloadFile that cannot be read', () => {
    expect(problemsOf(`name: l\ntarget: { kind: lambda, function: f, payloadFile: nope.json }\n${LOAD}`, { baseDir: '/no/such/dir' })).toEqual([
      'target.payloadFile: cannot read /no/such/dir/nope.json (ENOENT) (line 2)',
    ]);
  });

  it.each<[string, string, string[]]>([
    ['the function must be in local.functions', 'function: hellp\n  local: { functions: { hello: { handler: a.handler } } }', [
      'target.function: expected one of the functions in target.local.functions (hello) (line 4)',
    ]],
    ['a handler or a bootstrap', 'function: f\n  local: { functions: { f: { memory: 256 } } }', ['target.local.functions.f.handler: required (or give a bootstrap) (line 5)']],
    ['a handler like file.export', 'function: f\n  local: { functions: { f: { handler: hello } } }', [
      'target.local.functions.f.handler: expected file.export, like functions/hello.handler (line 5)',
    ]],
    ['memory in range', 'function: f\n  local: { functions: { f: { handler: a.b, memory: 64 } } }', [
      'target.local.functions.f.memory: expected an integer number of MB from 128 to 10240 (line 5)',
    ]],
    ['a timeout within Lambda limits', 'function: f\n  local: { functions: { f: { handler: a.b, timeout: 16m } } }', [
      'target.local.functions.f.timeout: expected at most 15m (the Lambda limit) (line 5)',
    ]],
    ['a known architecture', 'function: f\n  local: { functions: { f: { handler: a.b, architecture: x86 } } }', [
      'target.local.functions.f.architecture: expected "x86_64" or "arm64" (line 5)',
    ]],
    ['payload or payloadFile', 'function: f\n  payload: "{}"\n  payloadFile: a.json', ['target.payloadFile: give payload or payloadFile, not both (line 6)']],
    ['log levels with the JSON format only', 'function: f\n  local: { functions: { f: { handler: a.b, systemLogLevel: WARN } } }', [
      'target.local.functions.f.systemLogLevel: log levels need logFormat: JSON (as on Lambda) (line 5)',
    ]],
    ['a known system log level', 'function: f\n  local: { functions: { f: { handler: a.b, logFormat: JSON, systemLogLevel: ERROR } } }', [
      'target.local.functions.f.systemLogLevel: expected DEBUG, INFO or WARN (line 5)',
    ]],
    ['a custom log group Lambda can create', 'function: f\n  local: { functions: { f: { handler: a.b, logGroup: aws/mine } } }', [
      'target.local.functions.f.logGroup: a custom log group cannot start with aws/ (Lambda cannot create it) (line 5)',
    ]],
    ['at most 2 async retries', 'function: f\n  local: { functions: { f: { handler: a.b, asyncRetries: 3 } } }', [
      'target.local.functions.f.asyncRetries: expected an integer from 0 to 2 (line 5)',
    ]],
    ['an async event age within Lambda limits', 'function: f\n  local: { functions: { f: { handler: a.b, asyncMaxEventAge: 7h } } }', [
      'target.local.functions.f.asyncMaxEventAge: expected at most 6h (the Lambda limit) (line 5)',
    ]],
    ['a known client', 'function: f\n  client: http', ['target.client: expected "fast" or "sdk" (line 5)']],
    ['a function', 'qualifier: live', ['target.function: required (line 2)']],
    ['known keys', 'function: f\n  regoin: us-east-1', ['target.regoin: unknown key "regoin" (did you mean "region"?) (line 5)']],
  ])('%s', (_name, fields, problems) => {
    expect(problemsOf(`name: l\ntarget:\n  kind: lambda\n  ${fields}\n${LOAD}`)).toEqual(problems);
  });
});
