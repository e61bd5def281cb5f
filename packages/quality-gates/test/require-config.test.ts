import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listConfiguredGates, requireQualityConfig } from '../src/index.js';

const CONFIG = `version: "1.1"
active_gates: [lint]
gates:
  lint:
    name: Lint
    execution:
      command: ["eslint", "--format", "json"]
    capabilities:
      file_types: [".ts"]
      parsing_strategy: exit_code
      fix: { command: [eslint, --fix] }
  types:
    name: Types
    execution:
      command: ["tsc", "--noEmit"]
    capabilities:
      file_types: [".ts"]
      parsing_strategy: exit_code
      scope_mode: project
`;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'st3-require-config-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('requireQualityConfig', () => {
  it('returns the config of a valid file', async () => {
    const path = join(dir, 'quality.yaml');
    await writeFile(path, CONFIG);
    const { config, warnings } = await requireQualityConfig(path);
    expect(Object.keys(config.gates)).toEqual(['lint', 'types']);
    expect(warnings).toEqual([]);
  });

  it('throws E_FILE_NOT_FOUND naming the file as displayed, with the hint given', async () => {
    const error = await requireQualityConfig(join(dir, 'none.yaml'), {
      display: '.st3/config/quality.yaml',
      missingHint: 'run the init_gates tool',
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'E_FILE_NOT_FOUND',
      message: 'no quality config at .st3/config/quality.yaml',
      file: '.st3/config/quality.yaml',
      hint: 'run the init_gates tool',
    });
  });

  it('throws E_CONFIG_INVALID with the located errors of a broken file', async () => {
    const path = join(dir, 'quality.yaml');
    await writeFile(
      path,
      CONFIG.replace('parsing_strategy: exit_code\n      scope_mode', 'parsing_strategy: nope\n      scope_mode'),
    );
    await expect(requireQualityConfig(path)).rejects.toMatchObject({ code: 'E_CONFIG_INVALID', line: 18 });
  });
});

describe('listConfiguredGates', () => {
  it('lists every gate in declared order with whether it is active, its scope mode and fix command', async () => {
    const path = join(dir, 'quality.yaml');
    await writeFile(path, CONFIG);
    const { config } = await requireQualityConfig(path);
    expect(listConfiguredGates(config)).toEqual([
      {
        id: 'lint',
        name: 'Lint',
        active: true,
        file_types: ['.ts'],
        parsing_strategy: 'exit_code',
        command: ['eslint', '--format', 'json'],
        supports_autofix: false,
        scope_mode: 'importers',
        fix: ['eslint', '--fix'],
      },
      {
        id: 'types',
        name: 'Types',
        active: false,
        file_types: ['.ts'],
        parsing_strategy: 'exit_code',
        command: ['tsc', '--noEmit'],
        supports_autofix: false,
        scope_mode: 'project',
        fix: null,
      },
    ]);
  });

  it('treats every gate as active when active_gates is empty', async () => {
    const path = join(dir, 'quality.yaml');
    await writeFile(path, CONFIG.replace('active_gates: [lint]', 'active_gates: []'));
    const { config } = await requireQualityConfig(path);
    expect(listConfiguredGates(config).map((g) => g.active)).toEqual([true, true]);
  });
});
