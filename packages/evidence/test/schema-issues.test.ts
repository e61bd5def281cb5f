import { describe, expect, it } from 'vitest';
import { validateTaskText } from '../src/index.js';
import { completeTask } from './task-text.js';

describe('task shape errors (the schemas package turns zod issues into diagnostics)', () => {
  it('locates a wrong value at file:line:col with what is allowed', () => {
    const text = completeTask('TASK-0102').replace('priority: P1', 'priority: urgent');
    const v = validateTaskText(text, 'TASK-0102.task.yaml');
    const error = v.errors.find((e) => e.code === 'E_SCHEMA');
    expect(error).toMatchObject({ file: 'TASK-0102.task.yaml', line: 5, column: 11, path: ['priority'] });
    expect(error?.hint).toMatch(/^allowed values: /);
  });
});
