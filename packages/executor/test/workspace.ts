import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
/** The real TypeScript compiler of this repository (no download). */
export const TSC = require.resolve('typescript/bin/tsc');

/** A `.st3/config/quality.yaml` with one real tsc gate (run with node, no npx). */
export function qualityYaml(): string {
  return `version: "1.1"
active_gates: [tsc]
gates:
  tsc:
    name: TypeScript
    execution:
      command: [${JSON.stringify(process.execPath)}, ${JSON.stringify(TSC)}, --noEmit, --pretty, "false", -p, tsconfig.json]
      timeout_seconds: 120
      pass_files: none
    success: { exit_codes_ok: [0] }
    capabilities:
      file_types: [".ts"]
      supports_autofix: false
      parsing_strategy: text_violations
      text_violations:
        pattern: '^(?P<file>.+?)\\((?P<line>\\d+),(?P<col>\\d+)\\): (?P<severity>error|warning) (?P<rule>TS\\d+): (?P<message>.*)$'
        severity_default: error
`;
}

export const TSCONFIG = JSON.stringify({
  compilerOptions: {
    strict: true,
    target: 'ES2022',
    module: 'ES2022',
    moduleResolution: 'bundler',
    noEmit: true,
    types: [],
    lib: ['ES2022'],
    skipLibCheck: true,
  },
  include: ['src'],
});

/** A temporary workspace with the given files (paths relative to it). */
export async function makeWorkspace(
  files: Record<string, string>,
): Promise<{ root: string; dispose: () => Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'st3-ws-'));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  return { root, dispose: () => rm(root, { recursive: true, force: true }) };
}
