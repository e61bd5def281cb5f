import { createRequire } from 'node:module';
import type * as PromClient from 'prom-client';

let loaded: typeof PromClient | undefined;

/**
 * prom-client, required on first use: it is CommonJS and large, and an ESM import of it costs every
 * command that loads @st3/telemetry (each `st3 tasks` verb records its telemetry) Node's module lexer
 * over it — tens of milliseconds — where only the metrics commands and servers build a registry.
 */
export function promClient(): typeof PromClient {
  loaded ??= createRequire(import.meta.url)('prom-client') as typeof PromClient;
  return loaded;
}
