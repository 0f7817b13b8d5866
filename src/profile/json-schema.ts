/**
 * The JSON Schema of the profile as users write it, for editors (published as
 * docs/profile.schema.json; test/profile/json-schema.test.ts keeps that file up to date).
 */
import { z } from 'zod';
import { profileSchema } from './schema.js';

export function profileJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(profileSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return {
    $schema: schema.$schema,
    title: 'coldbench profile',
    description:
      'A coldbench load profile. Durations are written 500ms, 30s, 2m, 1h or 1m30s (a bare number means seconds); ' +
      'string values may use ${VAR} or ${VAR:-default} from the environment.',
    ...schema,
  };
}
