/** Profiles: YAML files validated into the Profile type (see types.ts and docs/profile.schema.json). */
export { loadProfile, parseProfileText } from './load.js';
export type { ParseProfileOptions } from './load.js';
export { profileJsonSchema } from './json-schema.js';
export { MIN_MASKED_LENGTH, redact, redactData, SECRET_HEADERS } from './redact.js';
export { redactProfile } from './redact-profile.js';
export { applySets, parseSetPath } from './sets.js';
export type { Env } from './interpolate.js';
export type * from './types.js';
