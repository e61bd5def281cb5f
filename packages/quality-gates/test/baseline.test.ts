import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { QualityGatesState } from '@st3/schemas';
import { applyStateUpdate, updateGatesState, type GateOutcome, type StateUpdate } from '../src/index.js';
import { tempDir } from './helpers.js';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

function stateFile(initial: unknown): string {
  const t = tempDir();
  cleanup = t.cleanup;
  const path = join(t.dir, 'state.json');
  writeFileSync(path, JSON.stringify(initial));
  return path;
}

const update = (over: Partial<StateUpdate>): StateUpdate => ({
  outcomes: [],
  advance: false,
  head: 'head',
  activeGates: ['ruff', 'mypy'],
  definedGates: ['ruff', 'mypy'],
  configHashes: { ruff: 'h-ruff', mypy: 'h-mypy' },
  ...over,
});
const outcome = (
  id: string,
  status: GateOutcome['status'],
  checked: GateOutcome['checked'],
  failed: string[] = [],
) => ({
  id,
  status,
  checked,
  failed,
});
const state = (s: Partial<QualityGatesState>): QualityGatesState => ({ baseline_sha: 'old', failed_files: [], ...s });

describe('state.json quality_gates (seed cycles 19, 20, 23 with per-gate failures)', () => {
  it('a complete sound passing run: baseline = HEAD, config hashes and unverified files recorded; other keys kept', async () => {
    const path = stateFile({
      branch: 'feature/x',
      transitions: [{ a: 1 }],
      quality_gates: { baseline_sha: 'old', failed_files: ['a.py'], extra: 1 },
    });
    await updateGatesState(
      path,
      update({
        advance: true,
        head: 'abc',
        outcomes: [outcome('ruff', 'passed', ['a.py']), outcome('mypy', 'passed', 'project')],
        unverified: ['b.py'],
      }),
    );
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({
      branch: 'feature/x',
      transitions: [{ a: 1 }],
      quality_gates: {
        baseline_sha: 'abc',
        failed_files: [],
        extra: 1,
        gates: { ruff: { failed_files: [], config_hash: 'h-ruff' }, mypy: { failed_files: [], config_hash: 'h-mypy' } },
        unverified_files: ['b.py'],
      },
    });
  });

  it('a failure keeps the baseline and unions failed files, sorted (cycle 20)', () => {
    const after = applyStateUpdate(
      state({ failed_files: ['z.py', 'a.py'] }),
      update({ outcomes: [outcome('ruff', 'failed', ['m.py', 'a.py'], ['m.py', 'a.py'])] }),
    );
    expect(after.baseline_sha).toBe('old');
    expect(after.failed_files).toEqual(['a.py', 'm.py', 'z.py']);
    expect(after.gates!.ruff!.failed_files).toEqual(['a.py', 'm.py', 'z.py']);
    expect(after.gates!.mypy!.failed_files).toEqual(['a.py', 'z.py']);
  });

  it('a --gate run clears only its own (gate, file) pairs: another gate still failing a file keeps it', () => {
    const before = state({
      failed_files: ['a.py'],
      gates: { ruff: { failed_files: ['a.py'] }, mypy: { failed_files: ['a.py'] } },
    });
    const after = applyStateUpdate(before, update({ outcomes: [outcome('ruff', 'passed', ['a.py'])] }));
    expect(after.gates!.ruff!.failed_files).toEqual([]);
    expect(after.gates!.mypy!.failed_files).toEqual(['a.py']);
    expect(after.failed_files).toEqual(['a.py']);
  });

  it('a passing run that did not check a file never clears its failure, whoever recorded it', () => {
    const afterFiles = applyStateUpdate(
      state({}),
      update({ outcomes: [outcome('ruff', 'failed', ['x.py'], ['x.py'])] }),
    );
    const afterAuto = applyStateUpdate(
      afterFiles,
      update({
        advance: true,
        outcomes: [outcome('ruff', 'passed', ['y.py']), outcome('mypy', 'skipped', [])],
      }),
    );
    expect(afterAuto.baseline_sha).toBe('head');
    expect(afterAuto.failed_files).toEqual(['x.py']);
  });

  it('project-wide verdicts replace the gate list; a failure naming no file marks the gate for a project run', () => {
    const before = state({ gates: { mypy: { failed_files: ['old.py'] } } });
    expect(
      applyStateUpdate(before, update({ outcomes: [outcome('mypy', 'failed', 'project', ['n.py'])] })).gates!.mypy,
    ).toEqual({ failed_files: ['n.py'] });
    expect(
      applyStateUpdate(before, update({ outcomes: [outcome('mypy', 'failed', 'project', [])] })).gates!.mypy,
    ).toEqual({ failed_files: [], project_failed: true });
    const errored = applyStateUpdate(before, update({ outcomes: [outcome('mypy', 'error', 'project')] }));
    expect(errored.gates!.mypy).toEqual({ failed_files: ['old.py'], project_failed: true });
    const fixed = applyStateUpdate(errored, update({ outcomes: [outcome('mypy', 'passed', 'project')] }));
    expect(fixed.gates!.mypy).toEqual({ failed_files: [] });
  });

  it('a gate that errored on files fails them all; entries of gates no longer defined are dropped', () => {
    const after = applyStateUpdate(
      state({ gates: { gone: { failed_files: ['g.py'] } } }),
      update({ outcomes: [outcome('ruff', 'error', ['a.py', 'b.py'])] }),
    );
    expect(after.gates!.ruff!.failed_files).toEqual(['a.py', 'b.py']);
    expect(after.gates!.gone).toBeUndefined();
    expect(after.failed_files).toEqual(['a.py', 'b.py']);
  });

  it('refuses to overwrite a corrupt state file', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const path = join(t.dir, 'state.json');
    writeFileSync(path, '{"branch": "x", ');
    await expect(updateGatesState(path, update({ advance: true }))).rejects.toMatchObject({ code: 'E_PARSE' });
    expect(readFileSync(path, 'utf8')).toBe('{"branch": "x", ');
  });

  it('each (gate, file) pair is failing exactly when the last run that checked it found it failing (property)', () => {
    const gates = ['ruff', 'mypy'];
    const files = ['a.py', 'b.py', 'c.py', 'd.py'];
    const anOutcome = fc.record({
      id: fc.constantFrom(...gates),
      status: fc.constantFrom<GateOutcome['status']>('passed', 'failed', 'error', 'skipped'),
      project: fc.boolean(),
      checked: fc.subarray(files),
      failed: fc.subarray(files),
    });
    fc.assert(
      fc.property(fc.array(fc.array(anOutcome, { maxLength: 3 }), { maxLength: 6 }), (runs) => {
        let s = state({});
        const model = new Map<string, boolean>();
        const projectFailed = new Map<string, boolean>();
        for (const run of runs) {
          const outcomes = run.map((o) => {
            const failed = o.status === 'failed' || o.status === 'error' ? o.failed : [];
            return outcome(o.id, o.status, o.project ? 'project' : o.checked, failed);
          });
          s = applyStateUpdate(s, update({ outcomes, activeGates: gates, definedGates: gates }));
          for (const o of outcomes) {
            if (o.status === 'skipped') continue;
            if (o.checked === 'project') {
              if (o.status === 'error') {
                projectFailed.set(o.id, true);
                continue;
              }
              for (const f of files) model.set(`${o.id} ${f}`, o.failed.includes(f));
              projectFailed.set(o.id, o.status === 'failed' && o.failed.length === 0);
              continue;
            }
            const failsAll = o.status === 'error' || (o.status === 'failed' && o.failed.length === 0);
            for (const f of o.checked) model.set(`${o.id} ${f}`, failsAll || o.failed.includes(f));
            for (const f of o.failed) model.set(`${o.id} ${f}`, true);
          }
        }
        for (const g of gates) {
          const expected = files.filter((f) => model.get(`${g} ${f}`) === true);
          expect(s.gates?.[g]?.failed_files ?? []).toEqual(expected);
          expect(s.gates?.[g]?.project_failed ?? false).toBe(projectFailed.get(g) ?? false);
        }
        expect(s.failed_files).toEqual(files.filter((f) => gates.some((g) => model.get(`${g} ${f}`))));
        expect(s.baseline_sha).toBe('old');
      }),
      { numRuns: 300 },
    );
  });

  it("8 concurrent processes merge under the lock: nobody loses another run's failures", async () => {
    const path = stateFile({ keep: true, quality_gates: { baseline_sha: 'base', failed_files: ['shared.py'] } });
    const entry = new URL('../dist/index.js', import.meta.url).pathname;
    // Runs 0-3 fail their own file for ruff; runs 4-7 pass ruff on shared.py and mypy on their own file.
    const script = `
      const i = Number(process.argv[2]);
      const outcomes = i < 4
        ? [{ id: 'ruff', status: 'failed', checked: ['f' + i + '.py'], failed: ['f' + i + '.py'] }]
        : [{ id: 'ruff', status: 'passed', checked: ['shared.py'], failed: [] },
           { id: 'mypy', status: 'failed', checked: ['m' + i + '.py'], failed: ['m' + i + '.py'] }];
      import(${JSON.stringify(entry)}).then((m) => m.updateGatesState(process.argv[1], {
        outcomes, advance: false, head: 'h', activeGates: ['ruff', 'mypy'], definedGates: ['ruff', 'mypy'], configHashes: {},
      }));`;
    const runs = Array.from(
      { length: 8 },
      (_, i) =>
        new Promise<number | null>((resolve) => {
          spawn(process.execPath, ['-e', script, path, String(i)], { stdio: 'inherit' }).on('close', resolve);
        }),
    );
    expect(await Promise.all(runs)).toEqual(Array(8).fill(0));
    const s = JSON.parse(readFileSync(path, 'utf8'));
    expect(s.keep).toBe(true);
    expect(s.quality_gates.baseline_sha).toBe('base');
    expect(s.quality_gates.gates.ruff.failed_files).toEqual(['f0.py', 'f1.py', 'f2.py', 'f3.py']);
    expect(s.quality_gates.gates.mypy.failed_files).toEqual(['m4.py', 'm5.py', 'm6.py', 'm7.py', 'shared.py']);
    expect(s.quality_gates.failed_files).toEqual([
      'f0.py',
      'f1.py',
      'f2.py',
      'f3.py',
      'm4.py',
      'm5.py',
      'm6.py',
      'm7.py',
      'shared.py',
    ]);
  });
});
