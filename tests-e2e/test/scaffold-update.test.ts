import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeWithFixtures } from '@st3/tooling/fixtures';
import { fixtures, json, repoRoot, runSt3, st3Bin, withTempDir } from '../src/run-cli.js';

const FIELDS = JSON.stringify([
  { name: 'id', type: 'string' },
  { name: 'age', type: 'integer', optional: true },
]);
const builtinDto = join(repoRoot, 'packages/scaffolder/templates/concrete/dto.ts.eta');

function workspace(dir: string): string {
  mkdirSync(join(dir, '.st3'), { recursive: true });
  return dir;
}
const read = (dir: string, path: string) => readFileSync(join(dir, path), 'utf8');
const edit = (dir: string, path: string, change: (t: string) => string) =>
  writeFileSync(join(dir, path), change(read(dir, path)));
/** A workspace override of the built-in TS DTO template: a new template version. */
function editTemplate(dir: string, change: (t: string) => string): void {
  mkdirSync(join(dir, '.st3/templates/concrete'), { recursive: true });
  writeFileSync(join(dir, '.st3/templates/concrete/dto.ts.eta'), change(readFileSync(builtinDto, 'utf8')));
}
const dto = (dir: string, extra: string[] = []) =>
  runSt3(['scaffold', 'dto', 'UserProfile', '--set', `fields=${FIELDS}`, '--no-test', ...extra], { cwd: dir });

describe('st3 scaffold update (built CLI)', () => {
  it('scaffold -> hand edit -> template edit -> update keeps both; check sees the hand edit', () =>
    withTempDir(async (dir) => {
      workspace(dir);
      expect((await dto(dir)).code).toBe(0);
      edit(dir, 'src/dtos/user-profile.ts', (t) => `${t}\nexport const answer = 42;\n`);
      const modified = json(await runSt3(['scaffold', 'check', '--json'], { cwd: dir }));
      expect(modified.files[0]).toMatchObject({ path: 'src/dtos/user-profile.ts', status: 'modified', modified: true });
      expect(modified.ok).toBe(true);

      editTemplate(dir, (t) => t.replace("import { z } from 'zod';", "import { z } from 'zod';\n// schema first"));
      const outdated = await runSt3(['scaffold', 'check'], { cwd: dir });
      expect(outdated.code).toBe(1);
      expect(outdated.stdout).toMatch(
        /OUTDATED\s+src\/dtos\/user-profile\.ts {2}dto [0-9a-f]{8} -> [0-9a-f]{8} .*edited by hand/,
      );

      const dry = await runSt3(['scaffold', 'update', '--dry-run'], { cwd: dir });
      expect(dry.code).toBe(0);
      expect(dry.stdout).toMatch(/UPDATED\s+src\/dtos\/user-profile\.ts [0-9a-f]{8} -> [0-9a-f]{8}/);
      expect(dry.stdout).toContain('+// schema first');
      expect(read(dir, 'src/dtos/user-profile.ts')).not.toContain('// schema first');

      const r = await runSt3(['scaffold', 'update', '--json'], { cwd: dir });
      expect(r.code, r.stderr).toBe(0);
      expect(json(r)).toMatchObject({ ok: true, written: ['src/dtos/user-profile.ts'], counts: { updated: 1 } });
      const text = read(dir, 'src/dtos/user-profile.ts');
      expect(text).toContain('// schema first');
      expect(text).toContain('export const answer = 42;');
      expect(text.split('\n')[1]).toMatch(/updated=\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      const after = json(await runSt3(['scaffold', 'check', '--json'], { cwd: dir }));
      expect(after.files[0]).toMatchObject({ status: 'modified' });
      const again = json(await runSt3(['scaffold', 'update', '--json'], { cwd: dir }));
      expect(again).toMatchObject({ written: [], counts: { current: 1 } });
    }));

  it('a conflicting edit gives standard markers and exit 1; --reject keeps your text and writes <file>.rej', () =>
    withTempDir(async (dir) => {
      workspace(dir);
      expect((await dto(dir)).code).toBe(0);
      expect((await dto(dir, ['--out', 'src/dtos/other.ts'])).code).toBe(0);
      for (const f of ['src/dtos/user-profile.ts', 'src/dtos/other.ts'])
        edit(dir, f, (t) => t.replace("import { z } from 'zod';", "import { z } from 'zod'; // mine"));
      editTemplate(dir, (t) => t.replace("import { z } from 'zod';", "import { z } from 'zod'; // theirs"));

      const r = await runSt3(['scaffold', 'update', 'src/dtos/user-profile.ts'], { cwd: dir });
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(
        /CONFLICT\s+src\/dtos\/user-profile\.ts [0-9a-f]{8} -> [0-9a-f]{8} \(conflict at line 3\)/,
      );
      const lines = read(dir, 'src/dtos/user-profile.ts').split('\n');
      expect(lines.slice(2, 7)).toEqual([
        '<<<<<<< src/dtos/user-profile.ts (your edits)',
        "import { z } from 'zod'; // mine",
        '=======',
        "import { z } from 'zod'; // theirs",
        expect.stringMatching(/^>>>>>>> template [0-9a-f]{8}$/),
      ]);
      const check = await runSt3(['scaffold', 'check', '--json'], { cwd: dir });
      expect(check.code).toBe(1);
      expect(
        json(check).files.find((f: { path: string }) => f.path === 'src/dtos/user-profile.ts').conflictMarkers,
      ).toEqual([3, 7]);

      const rejected = await runSt3(['scaffold', 'update', 'src/dtos/other.ts', '--reject', '--json'], { cwd: dir });
      expect(rejected.code).toBe(1);
      expect(json(rejected).files[0]).toMatchObject({ status: 'conflict', reject: 'src/dtos/other.ts.rej' });
      expect(read(dir, 'src/dtos/other.ts')).toContain("import { z } from 'zod'; // mine");
      expect(read(dir, 'src/dtos/other.ts')).not.toContain('<<<<<<<');
      expect(read(dir, 'src/dtos/other.ts.rej')).toContain("+import { z } from 'zod'; // theirs");
    }));
});

describeWithFixtures('st3 scaffold with the real artifacts.yaml and project_structure.yaml', () => {
  const realConfig = (dir: string) => {
    mkdirSync(join(dir, '.st3/config'), { recursive: true });
    for (const f of ['artifacts.yaml', 'project_structure.yaml'])
      cpSync(join(fixtures, 'st3-config', f), join(dir, '.st3/config', f));
  };

  it('places a DTO in backend/dtos and refuses it in mcp_server/tools (exit 2, naming where it goes)', () =>
    withTempDir(async (dir) => {
      realConfig(dir);
      const r = await runSt3(['scaffold', 'dto', 'Trade', '--set', 'fields=[{"name":"symbol"}]', '--json'], {
        cwd: dir,
      });
      expect(r.code, r.stderr).toBe(0);
      expect(json(r).written).toEqual(['backend/dtos/trade.py', 'tests/backend/test_trade.py']);
      // never a silent substitution: its template_path is not in this workspace
      expect(r.stderr).toContain('concrete/dto.py.jinja2 (template_path of "dto") is not under .st3/templates');
      const wrong = await runSt3(
        ['scaffold', 'dto', 'Wrong', '--set', 'fields=[{"name":"x"}]', '--out', 'mcp_server/tools/wrong.py', '--json'],
        { cwd: dir },
      );
      expect(wrong.code).toBe(2);
      expect(json(wrong).error).toMatchObject({ code: 'E_PLACEMENT', hint: 'dto goes in backend/dtos/, backend/' });
      expect(existsSync(join(dir, 'mcp_server'))).toBe(false);
    }));

  it('renders a real .jinja2 template named by template_path, and locates what it cannot render', () =>
    withTempDir(async (dir) => {
      realConfig(dir);
      mkdirSync(join(dir, '.st3/templates/concrete'), { recursive: true });
      writeFileSync(
        join(dir, '.st3/templates/concrete/dto.py.jinja2'),
        [
          '{# TEMPLATE_METADATA',
          'version: "1.0.0"',
          '#}',
          '"""{{ name }} data transfer object."""',
          '',
          'from dataclasses import dataclass',
          '',
          '',
          '@dataclass(frozen=True)',
          'class {{ name }}:',
          '{% for f in fields %}',
          '    {{ f.name | lower }}: {{ f.type | default("str") }}',
          '{% endfor %}',
          '',
        ].join('\n'),
      );
      const r = await runSt3(
        [
          'scaffold',
          'dto',
          'Trade',
          '--set',
          'fields=[{"name":"Symbol"},{"name":"qty","type":"int"}]',
          '--no-test',
          '--json',
        ],
        { cwd: dir },
      );
      expect(r.code, r.stderr).toBe(0);
      const text = read(dir, 'backend/dtos/trade.py');
      expect(text).toMatch(/^# backend\/dtos\/trade\.py\n# template=dto version=[0-9a-f]{8} /);
      expect(text).toContain('class Trade:\n    symbol: str\n    qty: int\n');
      expect(spawnSync('python3', ['-m', 'py_compile', join(dir, 'backend/dtos/trade.py')]).status).toBe(0);
      writeFileSync(join(dir, '.st3/templates/concrete/dto.py.jinja2'), '{{ name }}\n{% do fields.append(1) %}\n');
      const bad = await runSt3(['scaffold', 'dto', 'T', '--set', 'fields=[{"name":"x"}]', '--no-test', '--json'], {
        cwd: dir,
      });
      expect(bad.code).toBe(2);
      expect(json(bad).error).toMatchObject({ code: 'E_TEMPLATE', line: 2, message: expect.stringContaining('do') });
    }));
});

describe('prompts for missing required fields', () => {
  const scriptAvailable = spawnSync('script', ['--version']).status === 0;

  it('never prompts without a terminal or under --json: the missing field stays an error', () =>
    withTempDir(async (dir) => {
      workspace(dir);
      for (const extra of [[], ['--json']]) {
        const r = await runSt3(['scaffold', 'dto', 'X', ...extra], { cwd: dir, input: '[{"name":"id"}]\n' });
        expect(r.code).toBe(1);
        expect(r.stderr + r.stdout).toContain('fields');
        expect(r.stderr).not.toContain('fields - ');
      }
    }));

  it.runIf(scriptAvailable || process.env.CI)(
    'asks on a terminal (a pseudo-terminal through script), then writes',
    () =>
      withTempDir(async (dir) => {
        workspace(dir);
        // script(1) gives the CLI a pseudo-terminal on stdin and stderr; answers are typed when a question shows
        const child = spawn(
          'script',
          ['-qec', `${process.execPath} ${st3Bin} scaffold dto Typed --no-test`, '/dev/null'],
          {
            cwd: dir,
            env: { ...process.env, NO_COLOR: '1' },
          },
        );
        let screen = '';
        const answers = [
          { after: /fields \(JSON\)/, text: 'not json\n' },
          { after: /expected JSON/, text: '[{"name":"id","type":"string"}]\n' },
        ];
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          screen += chunk;
          while (answers[0] && answers[0].after.test(screen)) child.stdin.write(answers.shift()!.text);
        });
        const status = await new Promise<number | null>((done) => child.on('close', done));
        expect(screen).toContain('expected JSON');
        expect(status, screen).toBe(0);
        expect(read(dir, 'src/dtos/typed.ts')).toContain('id: z.string()');
      }),
  );
});
