import { describe, expect, it } from 'vitest';
import { taskVerdictJson, validateTaskText } from '../src/index.js';
import { completeTask } from './task-text.js';

describe('taskVerdictJson', () => {
  it('writes a valid task with its id and schema version and no parsed task', () => {
    const json = taskVerdictJson(validateTaskText(completeTask('TASK-0101'), 'tasks/TASK-0101.task.yaml'));
    expect(json).toEqual({
      file: 'tasks/TASK-0101.task.yaml',
      id: 'TASK-0101',
      ok: true,
      parse_failed: false,
      schema_version: '1.1',
      errors: [],
      warnings: [],
    });
  });

  it('writes a file that does not parse with parse_failed, its located error and null for what is unknown', () => {
    const json = taskVerdictJson(validateTaskText('id: [unclosed\n', 'broken.task.yaml'));
    expect(json).toMatchObject({ file: 'broken.task.yaml', id: null, ok: false, parse_failed: true });
    expect(json.schema_version).toBeNull();
    expect(json.errors[0]).toMatchObject({ file: 'broken.task.yaml', line: expect.any(Number) });
    expect(Object.keys(json)).not.toContain('task');
  });
});
