/**
 * `coldbench validate` says where a run will read its cold starts from: the log group named, or
 * the function whose configuration names it (looked up when the run starts), and the access log
 * a join through API Gateway reads too; nothing for a profile that reads no logs.
 */
import { describe, expect, it } from 'vitest';
import { logsPlan } from '../../src/cli/commands/validate.js';
import { parse } from '../profile/helpers.js';

const LOAD = 'load:\n  model: closed\n  concurrency: 1\n  iterations: 1\n';
const target = (text: string) => parse(`name: t\ntarget:\n${text}${LOAD}`).profile.target;

describe('validate: where cold starts are read from', () => {
  it('names the log group given, or the function whose configuration names it', () => {
    expect(logsPlan(target('  kind: http\n  url: https://abc.lambda-url.us-east-1.on.aws/\n  coldStart:\n    logs:\n      logGroup: /custom/orders\n'))).toBe('cold starts read from log group /custom/orders');
    expect(logsPlan(target('  kind: http\n  url: https://abc.lambda-url.us-east-1.on.aws/\n  coldStart:\n    logs:\n      function: orders\n'))).toBe('cold starts read from the log group of function orders (its LoggingConfig.LogGroup, else /aws/lambda/orders)');
    // A Lambda target's logs are its function's unless told otherwise.
    expect(logsPlan(target('  kind: lambda\n  function: billing\n  invocationType: Event\n  coldStart:\n    logs: {}\n'))).toMatch(/function billing /);
  });

  it('names the access log a join through API Gateway reads, the emulator\'s front\'s too', () => {
    const viaStage = target('  kind: http\n  url: https://x.execute-api.us-east-1.amazonaws.com/prod/\n  coldStart:\n    logs:\n      function: orders\n      accessLog:\n        logGroup: /apigw/prod\n');
    expect(logsPlan(viaStage)).toMatch(/orders .*, joined through the access log \/apigw\/prod$/);
    const local = target('  kind: http\n  url: /orders\n  local:\n    function: orders\n    front: api-gateway\n    functions:\n      orders:\n        handler: functions/hello.handler\n  coldStart:\n    logs: {}\n');
    expect(logsPlan(local)).toMatch(/function orders .*joined through the API Gateway front's access log$/);
  });

  it('says nothing of logs for a profile that reads none', () => {
    expect(logsPlan(target('  kind: http\n  url: http://127.0.0.1:8080/x\n'))).toBeUndefined();
  });
});
