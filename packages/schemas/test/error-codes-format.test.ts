import { describe, expect, it } from 'vitest';
import { ERROR_CODES, exitCodeFor, formatDiagnostic, isSt3Error, St3Error } from '../src/index.js';

describe('ST3 error codes', () => {
  it('recognises the seed-numbered codes (E001) as ST3 errors, and not Node codes', () => {
    expect(isSt3Error(new St3Error('E001', 'acceptance_criteria is empty'))).toBe(true);
    expect(isSt3Error(new St3Error('E_TASK_AMBIGUOUS', 'x'), 'E_TASK_AMBIGUOUS')).toBe(true);
    for (const code of ['ENOENT', 'ERR_MODULE_NOT_FOUND', 'E01', 'E0001', 'e001', 'E_lower'])
      expect(isSt3Error(Object.assign(new Error('x'), { code }))).toBe(false);
    // Every registered code passes the check (a code the check refused would become E_INTERNAL).
    for (const code of Object.keys(ERROR_CODES)) expect(isSt3Error(new St3Error(code, 'x'))).toBe(true);
    expect(exitCodeFor('E001')).toBe(1);
  });

  it('formats a diagnostic with its code when asked', () => {
    const d = {
      code: 'E001',
      severity: 'error' as const,
      file: 'tasks/TASK-0001.task.yaml',
      line: 12,
      column: 3,
      message: 'acceptance_criteria is empty',
      hint: 'list what must be true',
    };
    expect(formatDiagnostic(d, { code: true })).toBe(
      'tasks/TASK-0001.task.yaml:12:3: E001 acceptance_criteria is empty (list what must be true)',
    );
    expect(formatDiagnostic(d)).toBe(
      'tasks/TASK-0001.task.yaml:12:3: acceptance_criteria is empty (list what must be true)',
    );
  });
});
