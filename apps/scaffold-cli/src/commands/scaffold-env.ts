import { St3Error } from '@st3/schemas';

/** `ST3_SCHEMA_FIRST=true|false` → the library's schemaFirst option (the library itself never reads the environment). */
export function schemaFirstFromEnv(env: Record<string, string | undefined>): boolean | undefined {
  const raw = env.ST3_SCHEMA_FIRST?.trim().toLowerCase();
  if (raw === undefined || raw === '') return undefined;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new St3Error('E_USAGE', `ST3_SCHEMA_FIRST must be true or false, got "${env.ST3_SCHEMA_FIRST}"`, {
    hint: 'unset it to use the configured pipeline',
  });
}
