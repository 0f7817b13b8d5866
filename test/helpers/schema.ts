/**
 * The published JSON Schemas (docs/*.schema.json) as validators, and a check that a record
 * holds no field its schema does not describe: the schemas stay open to added fields, so
 * validation alone would never notice a field the docs forgot.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

type Schema = Record<string, unknown>;

export function publishedSchema(name: string): Schema {
  return JSON.parse(readFileSync(resolve(import.meta.dirname, '../../docs', name), 'utf8')) as Schema;
}

/** Validation errors of `data` against the schema ([] when it is valid). */
export function schemaErrors(schema: Schema, data: unknown): string[] {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  const valid = ajv.validate(schema, data);
  return valid ? [] : (ajv.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}

/** Paths of object keys in `data` that the schema declares nowhere (maps and free-form objects excepted). */
export function undescribedFields(schema: Schema, data: unknown): string[] {
  const found: string[] = [];
  const resolveRef = (node: Schema): Schema => {
    const ref = node.$ref;
    if (typeof ref !== 'string') return node;
    if (ref === '#') return schema;
    const target = ref.replace(/^#\//, '').split('/').reduce<unknown>((n, key) => (n as Schema)[key], schema) as Schema;
    return resolveRef({ ...target, ...Object.fromEntries(Object.entries(node).filter(([k]) => k !== '$ref')) });
  };
  /** The node and every branch of its oneOf / anyOf / allOf, refs resolved. */
  const branches = (node: Schema): Schema[] => {
    const n = resolveRef(node);
    return [n, ...['oneOf', 'anyOf', 'allOf'].flatMap((k) => ((n[k] as Schema[] | undefined) ?? []).flatMap(branches))];
  };
  const walk = (node: Schema, value: unknown, path: string): void => {
    const all = branches(node);
    if (Array.isArray(value)) {
      for (const b of all) if (b.items !== undefined) value.forEach((v, i) => walk(b.items as Schema, v, `${path}[${i}]`));
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const properties = Object.assign({}, ...all.map((b) => (b.properties as Schema | undefined) ?? {})) as Record<string, Schema>;
    const map = all.find((b) => typeof b.additionalProperties === 'object')?.additionalProperties as Schema | undefined;
    const described = Object.keys(properties).length > 0;
    for (const [key, inner] of Object.entries(value)) {
      if (properties[key] !== undefined) walk(properties[key], inner, `${path}.${key}`);
      else if (map !== undefined) walk(map, inner, `${path}.${key}`);
      else if (described) found.push(`${path}.${key}`);
    }
  };
  walk(schema, data, '');
  return found;
}
