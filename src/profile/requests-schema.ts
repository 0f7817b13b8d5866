/**
 * The profile's request mix, data file and signing (README "Requests, data and templates"):
 * `requests:` lists named requests with weights, `data:` names a file whose rows the templates
 * read, `sign:` signs HTTP requests with SigV4. Templates are checked later (src/requests/), with
 * the data file's columns.
 */
import { z } from 'zod';
import { jsonText, positiveNumber, strictObject, stringish } from './fields.js';
import { say } from './messages.js';

/** Most requests in a mix: each has its own histograms in the result. */
export const MAX_REQUESTS = 50;

const REQUEST_NAME = /^[A-Za-z0-9_-]+$/;

const requestName = () =>
  z
    .string(say('expected a name of letters, digits, "-" or "_" (it names the request in the result)'))
    .regex(REQUEST_NAME, 'expected a name of letters, digits, "-" or "_" (it names the request in the result)');

const weight = () => positiveNumber().default(1).meta({ description: 'How often this request is chosen, relative to the others (default 1).' });

/** Names must differ: the result breaks latency and errors down by name. */
function uniqueNames(items: readonly { name: string }[], ctx: z.core.$RefinementCtx): void {
  items.forEach((item, index) => {
    if (items.findIndex((other) => other.name === item.name) !== index) {
      ctx.addIssue({ code: 'custom', message: `the name "${item.name}" is used by an earlier request`, path: [index, 'name'] });
    }
  });
}

const list = <T extends z.ZodType<{ name: string }>>(item: T) =>
  z
    .array(item)
    .min(1, 'expected at least one request')
    .max(MAX_REQUESTS, `expected at most ${MAX_REQUESTS} requests`)
    .superRefine(uniqueNames);

export const httpRequests = () =>
  list(
    strictObject({
      name: requestName(),
      weight: weight(),
      method: z.string(say('expected an HTTP method like GET or POST')).regex(/^[A-Za-z]+$/).optional(),
      path: z.string(say('expected a path like /items/{{row.sku}}')).startsWith('/', 'expected a path starting with "/"').optional(),
      url: z.string(say('expected an http(s) URL')).min(1).optional(),
      headers: z.record(z.string(), stringish()).optional(),
      body: jsonText().optional(),
    }).superRefine((value, ctx) => {
      if (value.path !== undefined && value.url !== undefined) ctx.addIssue({ code: 'custom', message: 'give path or url, not both', path: ['url'] });
    }),
  );

export const lambdaRequests = () =>
  list(
    strictObject({
      name: requestName(),
      weight: weight(),
      function: z.string(say('expected a function name or ARN')).min(1).optional(),
      qualifier: stringish().optional(),
      payload: jsonText().optional(),
      payloadFile: z.string(say('expected a path to a JSON file')).min(1).optional(),
    }).superRefine((value, ctx) => {
      if (value.payload !== undefined && value.payloadFile !== undefined) {
        ctx.addIssue({ code: 'custom', message: 'give payload or payloadFile, not both', path: ['payloadFile'] });
      }
    }),
  );

const FORMATS = { '.csv': 'csv', '.ndjson': 'ndjson', '.jsonl': 'ndjson', '.json': 'json' } as const;

/** The format a file's extension names, if any. */
export function formatOf(file: string): 'csv' | 'ndjson' | 'json' | undefined {
  const dot = file.lastIndexOf('.');
  return dot < 0 ? undefined : FORMATS[file.slice(dot).toLowerCase() as keyof typeof FORMATS];
}

export const data = () =>
  strictObject({
    file: z.string(say('expected a path to a .csv, .ndjson or .json file')).min(1),
    order: z.enum(['sequential', 'random', 'once'], say('expected "sequential", "random" or "once"')).default('sequential'),
    format: z.enum(['csv', 'ndjson', 'json'], say('expected "csv", "ndjson" or "json"')).optional(),
  }).superRefine((value, ctx) => {
    if (value.format === undefined && typeof value.file === 'string' && formatOf(value.file) === undefined) {
      ctx.addIssue({ code: 'custom', message: 'cannot tell the format from the extension: name it with format: csv, ndjson or json', path: ['format'] });
    }
  });

export const sign = () =>
  strictObject({
    service: z.string(say('expected a service name: lambda for a Function URL, execute-api for API Gateway')).min(1),
    region: z.string(say('expected a region like us-east-1')).min(1),
  });

export const seed = () => z.int(say('expected an integer')).optional().meta({ description: 'Seeds the choice of request, random rows and {{randomInt}} (default 1).' });
