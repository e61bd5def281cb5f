import { St3Error } from '@st3/schemas';

/**
 * `ST3_SCHEMA_FIRST=true|false` of the given environment → the `schemaFirst` option (undefined when unset or
 * empty). The library never reads `process.env` itself: `st3 scaffold` passes its environment, the MCP server
 * `process.env`. A value that is neither true nor false is E_USAGE.
 */
export function schemaFirstFromEnv(env: Readonly<Record<string, string | undefined>>): boolean | undefined {
  const raw = env.ST3_SCHEMA_FIRST?.trim().toLowerCase();
  if (raw === undefined || raw === '') return undefined;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new St3Error('E_USAGE', `ST3_SCHEMA_FIRST must be true or false, got "${env.ST3_SCHEMA_FIRST}"`, {
    hint: 'unset it to use the configured pipeline',
  });
}
