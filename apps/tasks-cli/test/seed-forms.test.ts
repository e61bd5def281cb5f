import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SEED_FORMS, seedForm } from '../src/seed-forms.js';

describe("the original tasks CLI's flag forms", () => {
  it('name the verb they stand for, with the id first and --format json as --json', () => {
    expect(seedForm(['--init-context', 'TASK-1', '--format', 'json'])).toEqual({
      verb: ['context', 'init'],
      argv: ['TASK-1', '--json'],
    });
    expect(
      seedForm([
        '--attach-evidence',
        'TASK-1',
        '--type',
        'qa_output',
        '--path',
        'a.log',
        '--description',
        'Static analysis',
      ]),
    ).toEqual({
      verb: ['evidence', 'attach'],
      argv: ['TASK-1', '--type', 'qa_output', '--path', 'a.log', '--description', 'Static analysis'],
    });
    expect(seedForm(['--record-qa=TASK-1', '--command', 'pnpm lint', '--format=json'])).toEqual({
      verb: ['@qa', 'record'],
      argv: ['TASK-1', '--command', 'pnpm lint', '--json'],
    });
    expect(seedForm(['--list-exceptions', '--format', 'text'])).toEqual({ verb: ['exceptions', 'list'], argv: [] });
    expect(seedForm(['--get-context', 'TASK-1', '--diff'])).toEqual({ verb: ['context', 'diff'], argv: ['TASK-1'] });
    expect(seedForm(['--collect-metrics', 'TASK-1'])).toEqual({ verb: ['@metrics', 'collect'], argv: ['TASK-1'] });
    // A verb form with the seed's --format flag.
    expect(seedForm(['list', '--format', 'json'])).toEqual({ verb: [], argv: ['list', '--json'] });
    // After `--`, nothing is rewritten.
    expect(seedForm(['qa', '--', 'eslint', '--format', 'json'])).toBeUndefined();
  });

  it('cover every form the issue lists', () => {
    for (const flag of [
      '--init-context',
      '--attach-evidence',
      '--list-evidence',
      '--attach-standard',
      '--add-exception',
      '--list-exceptions',
      '--resolve-exception',
      '--cleanup-exceptions',
      '--list-quarantined',
      '--repair-quarantined',
      '--release-quarantine',
      '--record-qa',
      '--run-validation',
      '--verify-worktree',
      '--collect-metrics',
      '--generate-metrics-dashboard',
      '--compare-metrics',
    ])
      expect(Object.hasOwn(SEED_FORMS, flag), flag).toBe(true);
  });

  it('leave every other command line alone, and keep every word of a form (property)', () => {
    const word = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,8}$/);
    const option = word.map((w) => `--x-${w}`);
    fc.assert(
      fc.property(fc.array(fc.oneof(word, option), { maxLength: 8 }), (argv) => {
        expect(seedForm(argv)).toBeUndefined();
      }),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(SEED_FORMS)),
        fc.array(fc.oneof(word, option), { maxLength: 6 }),
        (flag, rest) => {
          const form = seedForm([flag, 'TASK-0001', ...rest])!;
          expect(form.verb.length).toBeGreaterThan(0);
          const kept = SEED_FORMS[flag]!.takesId ? form.argv : form.argv.filter((a) => a !== 'TASK-0001');
          expect(kept.filter((a) => a !== 'TASK-0001')).toEqual(rest);
          if (SEED_FORMS[flag]!.takesId) expect(form.argv[0]).toBe('TASK-0001');
        },
      ),
    );
  });
});
