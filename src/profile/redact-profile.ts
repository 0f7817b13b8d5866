/**
 * The profile as data (what a result file keeps, what `validate --json` prints) with secrets
 * redacted. Its field names are coldbench's and are kept; the names a user chose (header names,
 * function names under `local.functions`, environment variable names) and every string value
 * are user text. Which is which is read from the profile's own JSON Schema: a key declared in
 * `properties` is a field name, any other key is user text.
 */
import { profileJsonSchema } from './json-schema.js';
import { redactor } from './redact.js';

type SchemaNode = Record<string, unknown>;

let schemaRoot: SchemaNode | undefined;

export function redactProfile<T>(data: T, secrets: readonly string[]): T {
  if (secrets.every((secret) => secret === '')) return data;
  schemaRoot ??= profileJsonSchema();
  const text = redactor(secrets);
  const visit = (value: unknown, nodes: SchemaNode[]): unknown => {
    if (typeof value === 'string') return text(value);
    const here = expand(nodes);
    if (Array.isArray(value)) return value.map((item) => visit(item, children(here, 'items')));
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => {
        const declared = here.flatMap((node) => asNodes(asNode(node.properties)?.[key]));
        if (declared.length > 0) return [key, visit(inner, declared)];
        return [text(key), visit(inner, children(here, 'additionalProperties'))];
      }),
    );
  };
  return visit(data, [schemaRoot]) as T;
}

/** The nodes and every branch of their oneOf / anyOf / allOf. */
function expand(nodes: readonly SchemaNode[]): SchemaNode[] {
  return nodes.flatMap((node) => [node, ...expand(['oneOf', 'anyOf', 'allOf'].flatMap((key) => (Array.isArray(node[key]) ? (node[key] as unknown[]).flatMap(asNodes) : [])))]);
}

function children(nodes: readonly SchemaNode[], key: 'items' | 'additionalProperties'): SchemaNode[] {
  return nodes.flatMap((node) => asNodes(node[key]));
}

function asNodes(value: unknown): SchemaNode[] {
  const node = asNode(value);
  return node === undefined ? [] : [node];
}

function asNode(value: unknown): SchemaNode | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as SchemaNode) : undefined;
}
