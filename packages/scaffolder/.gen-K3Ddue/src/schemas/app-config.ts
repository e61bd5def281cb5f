// src/schemas/app-config.ts
// template=schema version=200228a8 created=2026-01-02T03:04:05Z updated=
/**
 * Settings of the app
 *
 * @module
 */
import { z } from 'zod';

export const AppConfigSchema = z
  .object({
    port: z.number().int().default(8080),
    host: z.string().default("localhost"),
    apiKey: z.string(),
    features: z.array(z.string()).default([]),
    debug: z.boolean().optional(),
  })
  .strict();

/** The configuration after defaults are applied. */
export type AppConfig = z.output<typeof AppConfigSchema>;
/** What a configuration file may contain. */
export type AppConfigInput = z.input<typeof AppConfigSchema>;

export class AppConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
    this.name = 'AppConfigError';
  }
}

/** Validates a parsed configuration file (JSON or YAML) and applies the defaults. */
export function loadAppConfig(value: unknown): AppConfig {
  const parsed = AppConfigSchema.safeParse(value ?? {});
  if (!parsed.success) throw new AppConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  return parsed.data;
}
