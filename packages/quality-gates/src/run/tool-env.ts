import { existsSync } from 'node:fs';
import { delimiter, dirname, join, resolve, sep } from 'node:path';

/**
 * The tools' environment: PATH starts with every `node_modules/.bin` from the tool's working folder up to
 * `top` (as `npm run` does), so presets name `eslint` or `tsc` and get the project's own copy, and a tool
 * that is not installed is "tool not found" instead of an npx failure.
 */
export function toolEnv(
  env: Record<string, string | undefined>,
  workDir: string,
  top: string,
): Record<string, string | undefined> {
  const bins: string[] = [];
  const stop = resolve(top);
  for (let dir = resolve(workDir); ; dir = dirname(dir)) {
    const bin = join(dir, 'node_modules', '.bin');
    if (existsSync(bin)) bins.push(bin);
    if (dir === stop || dirname(dir) === dir || !(dir + sep).startsWith(stop + sep)) break;
  }
  if (bins.length === 0) return env;
  const key = Object.keys(env).find((k) => k.toUpperCase() === 'PATH') ?? 'PATH';
  return { ...env, [key]: [...bins, env[key] ?? ''].filter(Boolean).join(delimiter) };
}
