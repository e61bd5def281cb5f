import type { ErrorCodeInfo } from '../codes.js';

/** Codes owned by the evidence area; add new ones here (never rename or reuse one). */
export const EVIDENCE_CODES = {
  E001: {
    exit: 1,
    area: 'evidence',
    cause:
      'A task file leaves a required field empty: acceptance criteria, scope.in, plan, deliverables, validation.pipeline (schema 1.1), or a schema 1.1 plan step has no outputs.',
    fix: 'Fill in the field named at the reported line and column; a task must say what is done, how it is checked and what it delivers before work starts.',
  },
  E_TASK_NOT_FOUND: {
    exit: 2,
    area: 'evidence',
    cause: 'No task file with this id was found in the configured task folders.',
    fix: 'Check the id (TASK-0123) and `task_dirs` in .st3/config/tasks.yaml; `st3 tasks list` shows what is found.',
  },
  E_TASK_QUARANTINED: {
    exit: 1,
    area: 'evidence',
    cause: 'The task file is quarantined because it did not parse.',
    fix: 'Run `st3 tasks quarantine repair <id>` or fix the file by hand, then `st3 tasks quarantine release <id>`.',
  },
  E_CONTEXT_EXISTS: {
    exit: 2,
    area: 'evidence',
    cause: 'The task already has a context; init never overwrites the immutable snapshot.',
    fix: 'Use the existing context, or `st3 tasks context purge <id>` first.',
  },
  E_CONTEXT_NOT_FOUND: {
    exit: 2,
    area: 'evidence',
    cause: 'The task has no context folder yet.',
    fix: 'Run `st3 tasks context init <id>` first.',
  },
  E_CONTEXT_CORRUPT: {
    exit: 1, // an invalid file (DESIGN.md: 1), not a tool or runtime failure
    area: 'evidence',
    cause: 'context.json or an evidence index does not match its schema (edited by hand or written by another tool).',
    fix: 'Restore it from version control, or purge and re-init the context.',
  },
  E_EVIDENCE_INVALID: {
    exit: 2,
    area: 'evidence',
    cause:
      'An attachment was refused: unknown type, a description over 200 characters, missing qa_output metadata (command, exit_code, duration_ms), or a source of the wrong kind.',
    fix: 'Follow the message; `st3 tasks evidence attach --help` lists the types and their limits.',
  },
  E_EVIDENCE_TOO_LARGE: {
    exit: 1,
    area: 'evidence',
    cause:
      'An attachment is larger than the limit of its type (file 1 MB, archive 50 MB, log 10 MB, screenshot 5 MB, qa_output 10 MB, summary 500 KB, diff 10 MB).',
    fix: 'Attach a smaller file, a summary, or a directory (archived and compressed).',
  },
  E_EVIDENCE_NOT_FOUND: {
    exit: 2,
    area: 'evidence',
    cause: 'No evidence with this id is attached to the task.',
    fix: '`st3 tasks evidence list <task>` shows the attached ids.',
  },
  E_SECTION_NOT_FOUND: {
    exit: 1,
    area: 'evidence',
    cause: 'The standards file has no heading (levels 2-6) matching the requested section.',
    fix: 'Give the heading text or its anchor slug exactly as in the file.',
  },
  E_EXCEPTION_NOT_FOUND: {
    exit: 2,
    area: 'evidence',
    cause: 'The ledger has no exception for this task (and type).',
    fix: '`st3 tasks exceptions list` shows the open exceptions.',
  },
  E_QUARANTINE_NOT_FOUND: {
    exit: 2,
    area: 'evidence',
    cause: 'No quarantine entry exists for this task.',
    fix: '`st3 tasks quarantine list` shows the quarantined tasks.',
  },
  E_QUARANTINE_INDEX_MISMATCH: {
    exit: 1, // an inconsistent folder (DESIGN.md: 1), not a tool or runtime failure
    area: 'evidence',
    cause:
      "The quarantine folder's index.json and its <TASK-ID>.json entry files disagree: an entry file the index does not list, or a listed task whose entry file is gone (a crash between the two writes, or a hand edit). The list of quarantined tasks cannot be told from it.",
    fix: 'Restore the folder from version control, or add the missing entry to index.json (or remove the stray entry file) by hand.',
  },
  E_NOT_GIT: {
    exit: 2,
    area: 'evidence',
    cause: 'A worktree command ran outside a git repository.',
    fix: 'Run it inside a git work tree (or `git init`).',
  },
  E_DIRTY_TREE: {
    exit: 1,
    area: 'evidence',
    cause: 'The git work tree has uncommitted changes before the task started.',
    fix: 'Commit or stash them, or pass --allow-preexisting-dirty to record them in the snapshot.',
  },
  E_GIT_FAILED: {
    exit: 3,
    area: 'evidence',
    cause: 'A git command needed for a worktree snapshot failed.',
    fix: 'Run the git command named in the message by hand to see why.',
  },
  E_TASK_AMBIGUOUS: {
    exit: 2,
    area: 'evidence',
    cause: 'Two or more task files carry the task id that was given, so the id does not say which one is meant.',
    fix: 'Pass the path of the task file instead of the id; `st3 tasks validate` lists every duplicate id with both paths.',
  },
  E_TASK_DUPLICATE_ID: {
    exit: 1,
    area: 'evidence',
    cause: 'Two or more task files carry the same task id (often a task copied or moved without renaming).',
    fix: 'Give each task its own id (file name and `id:`), or delete the stale copy.',
  },
  E_AGENT_MISMATCH: {
    exit: 1,
    area: 'evidence',
    cause:
      '`worktree verify --expected-agent NAME`: the worktree snapshot was taken by another agent (or by none), or NAME never took one.',
    fix: 'Have the expected agent take the snapshot (`st3 tasks worktree snapshot <id> --agent NAME`, or ST3_AGENT=NAME), or expect the agent that did.',
  },
  E_VALIDATION_COMMAND: {
    exit: 2,
    area: 'evidence',
    cause:
      'A validation command definition is invalid (no command, a shell string without `shell: true`, a duplicate id).',
    fix: 'Correct the command at the reported path.',
  },
  E_TASK_NO_FILES: {
    exit: 2,
    area: 'evidence',
    cause:
      '`st3 tasks validate` found no task file to check: the folders given (or the configured task folders) hold no `*.task.yaml` file, or do not exist. Checking nothing is no verdict.',
    fix: 'Give the task files or the folders holding them; a file with another name is checked when given by its path. `task_dirs` in .st3/config/tasks.yaml sets the default folders.',
  },
  E_VALIDATION_NO_COMMANDS: {
    exit: 2,
    area: 'evidence',
    cause:
      "`st3 tasks run-validation` had no validation command to run: the task's context records none (the task file has no validation commands, or none that could be read). Running nothing is no verdict.",
    fix: 'Add the commands to the task file (validation.pipeline, or validation.commands in schema 1.0: `- command: …` or `- cmd: …`), then purge and re-init the context; `st3 tasks validate` and `st3 tasks context show` name entries that could not be read.',
  },
} as const satisfies Record<string, ErrorCodeInfo>;
