import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, st3Bin, withTempDir } from '../src/run-cli.js';

/**
 * Which modules `st3 …` loads, traced by a module loader hook (every resolved URL appended to a file):
 * the entry's help must not load any area app or heavy library, only the command asked for.
 */
function loadedModules(dir: string, args: string[]): string[] {
  const trace = join(dir, 'trace.txt');
  writeFileSync(trace, '');
  writeFileSync(
    join(dir, 'hooks.mjs'),
    `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(process.env.ST3_TRACE_FILE, result.url + '\\n');
  return result;
}
`,
  );
  writeFileSync(
    join(dir, 'register.mjs'),
    `import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n`,
  );
  const r = spawnSync(process.execPath, ['--import', join(dir, 'register.mjs'), st3Bin, ...args], {
    cwd: repoRoot,
    env: { ...process.env, ST3_TRACE_FILE: trace, NO_COLOR: '1' },
    encoding: 'utf8',
  });
  expect(r.status, r.stderr).toBe(0);
  return readFileSync(trace, 'utf8').split('\n').filter(Boolean);
}

const AREAS =
  /\/(apps\/(gates|atomize|graph|scaffold|tasks|metrics)-cli|apps\/mcp-server|packages\/(quality-gates|atomizer|dep-graph|executor|evidence|telemetry|scaffolder|parity))\//;

describe('lazy loading', () => {
  it('`st3 --help` loads no area app and no heavy library; `st3 gates --help` loads the gates app', () =>
    withTempDir(async (dir) => {
      const help = loadedModules(dir, ['--help']);
      expect(help.some((url) => url.includes('/apps/st3/dist/bin.js'))).toBe(true);
      expect(help.filter((url) => AREAS.test(url))).toEqual([]);
      expect(help.some((url) => /node_modules\/(typescript|web-tree-sitter|zod)\//.test(url))).toBe(false);
      const gates = loadedModules(dir, ['gates', '--help']);
      expect(gates.some((url) => url.includes('/apps/gates-cli/'))).toBe(true);
      expect(gates.some((url) => url.includes('/apps/atomize-cli/'))).toBe(false);
    }));
});
