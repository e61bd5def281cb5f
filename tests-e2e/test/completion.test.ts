import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runSt3, withTempDir } from '../src/run-cli.js';

/** zsh and fish are installed by .ci/run; without CI a machine without them skips their cases. */
const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
const need = (tool: string) => has(tool) || process.env.CI === 'true';

const scripts: Record<string, string> = {};
/** The subcommands of `st3 tasks context` as its --help lists them (other areas add verbs over time). */
let contextVerbs: string[] = [];

beforeAll(async () => {
  for (const shell of ['bash', 'zsh', 'fish']) {
    const r = await runSt3(['completion', shell]);
    expect(r.code, r.stderr).toBe(0);
    scripts[shell] = r.stdout;
  }
  const help = (await runSt3(['tasks', 'context', '--help'])).stdout;
  const section = help.split('Commands:\n')[1]!.split('\n\n')[0]!;
  contextVerbs = [...section.matchAll(/^ {2}(\S+)/gm)].map((m) => m[1]!);
  expect(contextVerbs).toEqual(expect.arrayContaining(['init', 'show', 'purge']));
}, 60_000);

/** What the bash completion offers for a command line split into COMP_WORDS (the last word is completed). */
function bash(words: string[], cwd?: string): string[] {
  return withScript('bash', (file) => {
    const quoted = words.map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' ');
    const program = `source ${file}; COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; _st3; printf '%s\\n' "\${COMPREPLY[@]}"`;
    return execFileSync('bash', ['-c', program], { encoding: 'utf8', cwd });
  });
}

/** What the zsh function offers: `_describe`, `compadd` and `_files` are stubbed to print what they get. */
function zsh(words: string[]): string[] {
  return withScript('zsh', (file) => {
    const stubs = [
      'compdef() { :; }',
      '_describe() { local -a items; items=("${(@P)${@[-1]}}"); print -l -- ${items%%:*}; }',
      'compadd() { [[ $1 == -- ]] && shift; print -l -- "$@"; }',
      '_files() { print -- "<files$*>"; }',
      'compset() { :; }',
    ].join('\n');
    const quoted = words.map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' ');
    const program = `${stubs}\nsource ${file}\nwords=(${quoted}); CURRENT=${words.length}; _st3`;
    return execFileSync('zsh', ['-f', '-c', program], { encoding: 'utf8' });
  });
}

/** fish computes completions itself: `complete -C` prints what TAB would offer (word, tab, description). */
function fish(line: string): string[] {
  return withScript('fish', (file) =>
    execFileSync('fish', ['--no-config', '-c', `source ${file}; complete -C ${JSON.stringify(line)}`], {
      encoding: 'utf8',
    }),
  ).map((l) => l.split('\t')[0]!);
}

function withScript(shell: string, run: (file: string) => string): string[] {
  const dir = join(process.env.TMPDIR ?? '/tmp', `st3-completion-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `st3.${shell}`);
  writeFileSync(file, scripts[shell]!);
  return run(file)
    .split('\n')
    .filter((l) => l !== '');
}

describe('st3 completion bash (sourced in a real bash)', () => {
  it('completes commands, subcommands and options', () => {
    expect(bash(['st3', 'gat'])).toEqual(['gates']);
    expect(bash(['st3', 'val'])).toEqual(['validate', 'validate-plan']);
    expect(bash(['st3', 'tasks', 'context', ''])).toEqual(contextVerbs);
    expect(bash(['st3', 'gates', '--sc'])).toEqual(['--scope']);
    expect(bash(['st3', 'gates', 'init', '--'])).toEqual(expect.arrayContaining(['--preset', '--force', '--json']));
    expect(bash(['st3', 'gates', 'init', '--'])).not.toContain('--scope');
  });

  it('completes enum values, after a space and after "="', () => {
    expect(bash(['st3', 'gates', '--scope', ''])).toEqual(
      expect.arrayContaining(['auto', 'branch', 'project', 'files']),
    );
    expect(bash(['st3', 'gates', '--scope', '=', 'pr'])).toEqual(['project']);
    expect(bash(['st3', 'review', 'list', '--status', 'in'])).toEqual(['in_review']);
    expect(bash(['st3', 'completion', ''])).toEqual(['bash', 'zsh', 'fish']);
    expect(bash(['st3', 'graph', '--format', ''])).toEqual(expect.arrayContaining(['json', 'dot', 'mermaid']));
  });

  it('completes files for path arguments and skips option values when finding the command', () =>
    withTempDir(async (dir) => {
      writeFileSync(join(dir, 'graph.json'), '{}');
      writeFileSync(join(dir, 'notes.md'), '');
      expect(bash(['st3', 'graph', '--format', 'dot', 'gr'], dir)).toEqual(['graph.json']);
      expect(bash(['st3', 'validate', '--kind', 'graph-input', 'no'], dir)).toEqual(['notes.md']);
      // a task id is not a file: nothing is offered
      expect(bash(['st3', 'tasks', 'context', 'show', ''], dir)).toEqual([]);
    }));
});

describe.runIf(need('zsh'))('st3 completion zsh', () => {
  it('is valid zsh', () => {
    withScript('zsh', (file) => execFileSync('zsh', ['-n', file], { encoding: 'utf8' }));
  });

  it('offers commands, subcommands, options and enum values', () => {
    expect(zsh(['st3', 'gat'])).toContain('gates');
    expect(zsh(['st3', 'tasks', 'context', ''])).toEqual(contextVerbs);
    expect(zsh(['st3', 'gates', '--sc'])).toContain('--scope');
    expect(zsh(['st3', 'gates', '--scope', ''])).toEqual(
      expect.arrayContaining(['auto', 'branch', 'project', 'files']),
    );
    expect(zsh(['st3', 'graph', '--format', 'dot', ''])).toEqual(['<files>']);
  });
});

describe.runIf(need('fish'))('st3 completion fish', () => {
  it('offers commands, subcommands, options and enum values', () => {
    expect(fish('st3 gat')).toEqual(['gates']);
    expect(fish('st3 tasks context ')).toEqual([...contextVerbs].sort());
    expect(fish('st3 gates --sc')).toEqual(['--scope']);
    expect(fish('st3 gates --scope ')).toEqual(expect.arrayContaining(['auto', 'branch', 'files', 'project']));
    expect(fish('st3 review list --level ')).toEqual(['critical', 'high', 'low', 'medium']);
  });
});

describe('"did you mean"', () => {
  it('suggests the command meant, exit 2', async () => {
    const r = await runSt3(['valdate', 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown command "st3 valdate"');
    expect(r.stderr).toContain('did you mean "validate"?');
  });

  it('suggests subcommands and options under --json, with the suggestions in details', async () => {
    const sub = await runSt3(['gates', 'lsit', '--json']);
    expect(sub.code).toBe(2);
    expect(JSON.parse(sub.stdout)).toEqual({
      ok: false,
      error: {
        code: 'E_USAGE',
        message: 'unknown command "st3 gates lsit"',
        hint: 'did you mean "list"? (run "st3 gates --help" for the list of commands)',
        details: { suggestions: ['list'] },
      },
    });
    const opt = await runSt3(['graph', 'x.json', '--fromat', 'dot', '--json']);
    expect(opt.code).toBe(2);
    expect(JSON.parse(opt.stdout).error).toMatchObject({
      code: 'E_USAGE',
      message: 'unknown option --fromat',
      details: { suggestions: ['--format'] },
    });
    const value = await runSt3(['gates', '--scope', 'projetc', '--json']);
    expect(JSON.parse(value.stdout).error).toMatchObject({ code: 'E_USAGE', hint: 'did you mean "project"?' });
  });

  it('colours the error line only without --no-color / NO_COLOR', async () => {
    const coloured = await runSt3(['valdate'], { env: { NO_COLOR: '', FORCE_COLOR: '1' } });
    expect(coloured.stderr).toContain('\u001b[31merror');
    const flag = await runSt3(['tasks', 'lsit', '--no-color'], { env: { NO_COLOR: '', FORCE_COLOR: '1' } });
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('did you mean "list"?');
    expect(flag.stderr).not.toContain('\u001b[');
    const env = await runSt3(['tasks', 'lsit'], { env: { NO_COLOR: '1', FORCE_COLOR: '1' } });
    expect(env.stderr).not.toContain('\u001b[');
  });
});
