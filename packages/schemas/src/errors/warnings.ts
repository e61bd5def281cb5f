/**
 * Warning codes (`W_*`): reported with the file and position like errors, never fatal (exit code
 * unaffected). Listed in `docs/error-codes.md` with the error codes.
 */
export interface WarningCodeInfo {
  area: string;
  cause: string;
  fix: string;
}

export const WARNING_CODES = {
  W_TEMPLATE_FALLBACK: {
    area: 'scaffold',
    cause:
      'The template that `template_path` names in artifacts.yaml is not under the template root: its fallback_template or the built-in template renders instead.',
    fix: 'Add the template under the template root (or set `template_root:`), or change template_path.',
  },
  W_NO_CONTEXT_SCHEMA: {
    area: 'scaffold',
    cause: 'A Jinja2 template declares no context_schema, so the schema-first pipeline cannot validate its context.',
    fix: 'Add `context_schema:` to the leading {# ... #} metadata comment of the template.',
  },
  W_DEFAULT_FALLBACK: {
    area: 'scaffold',
    cause: 'The loose (v1) pipeline filled a variable the template reads but the context did not give.',
    fix: 'Pass the value, or use the schema-first (v2) pipeline, which names every missing field.',
  },
  W_PARSE: {
    area: 'core',
    cause: 'The YAML parser accepted the text but noticed something dubious (e.g. a tag it does not know).',
    fix: 'Check the reported line; the value was read as the message says.',
  },
  W_DEPRECATED: {
    area: 'core',
    cause:
      'A field that is still accepted but no longer used (e.g. `scaffolder_class`, `scaffolder_module` in artifacts.yaml).',
    fix: 'Remove the field once nothing reads it any more.',
  },
  W_DANGLING_HASH: {
    area: 'core',
    cause: 'template_registry.json names a current version hash that has no entry under version_hashes.',
    fix: 'Scaffold once with the current template so the hash is recorded.',
  },
  W_TASK_NO_VERSION: {
    area: 'core',
    cause: 'A task file has no `schema_version`; it is read by the 1.0 rules.',
    fix: 'Add `schema_version: "1.1"` and the sections 1.1 requires (validation, plan step fields).',
  },
  W_TASK_AREA: {
    area: 'core',
    cause: "A task's `area` is not one of the areas the task template lists.",
    fix: 'Use backend, mobile, shared, infra, docs, ops or other, or ignore if your project has its own areas.',
  },
  W_COMMAND_NEEDS_SHELL: {
    area: 'evidence',
    cause:
      "A task's validation command is one string that needs a shell (`&&`, `||`, `|`, redirections, `$(…)`, `$VAR`, globs) and does not say `shell: true`. Task files written for the original tasks CLI are like this; the file is valid, but ST3 never runs a shell nobody asked for, so `run-validation` refuses the command (status error, E_COMMAND_SYNTAX).",
    fix: 'Write the command as a list of arguments, set `shell: true` on it, or run `st3 tasks run-validation <task> --shell` to run such strings through `sh -c` as the original CLI did.',
  },
  W_CONFIG: {
    area: 'gates',
    cause:
      'A gate of quality.yaml is valid but will produce less than it could: e.g. a text_violations pattern with no `file` group and no default file, so its violations carry no file.',
    fix: 'Add the named group (or a default) the message names.',
  },
  W_PATTERN_INPUT: {
    area: 'scaffold',
    cause:
      'An input of a pattern in the pattern registry is not a mapping (or has a type ST3 does not know), so it accepts any value.',
    fix: 'Describe the input as a mapping with `type:` (string, number, boolean, array, object).',
  },
  W_PATTERN_SKIPPED: {
    area: 'scaffold',
    cause:
      'An entry of the pattern registry has no `pattern_id`, so `st3 scaffold batch` cannot address it and leaves it out.',
    fix: 'Give the entry a pattern_id.',
  },
  W_TASK_FILE_NAME: {
    area: 'evidence',
    cause:
      'A task file is named without its task id (not TASK-0123-slug.task.yaml): `st3 tasks validate` checks it, but listings that find tasks by file name (`st3 tasks list`) leave it out.',
    fix: 'Rename the file to start with the task id its content carries.',
  },
  W_TASK_SCOPE_OUT: {
    area: 'evidence',
    cause: "A task's `scope.out` is empty: nothing is explicitly out of scope.",
    fix: 'List what the task will not do, to prevent scope creep.',
  },
  W_TASK_LEGACY_FIELD: {
    area: 'evidence',
    cause: 'A task file uses a schema 1.0 field name (`implementation_plan`) that 1.1 renamed (`plan`).',
    fix: 'Rename the field when moving the file to schema 1.1.',
  },
  W_TASK_NO_VALIDATION: {
    area: 'evidence',
    cause:
      'A task file has no validation commands (`validation.commands` or `validation.pipeline`); schema 1.1 requires a pipeline.',
    fix: 'Add the commands that prove the task done (tests, linters, type checks).',
  },
  W_TASK_RISKS: {
    area: 'evidence',
    cause: "A task's `risks` list is empty.",
    fix: 'List the risks and how each is mitigated.',
  },
  W_VALIDATION_COMMAND: {
    area: 'evidence',
    cause:
      "An entry of a task's validation commands is not a runnable command (neither a command string nor a list of argument strings); it is left out, and a task left with no command to run fails with E_VALIDATION_NO_COMMANDS.",
    fix: 'Write the entry as a command string or a list of arguments (`cmd:` and `command:` are both read).',
  },
  W_NOT_GIT: {
    area: 'evidence',
    cause: '`st3 tasks context init` found no git work tree, so the task context records no worktree snapshot.',
    fix: 'Run it inside a git repository to record the commit and the uncommitted changes.',
  },
  W_DIRTY_TREE: {
    area: 'evidence',
    cause: 'The work tree had uncommitted changes when the task context was made; they are listed in its snapshot.',
    fix: 'Commit or stash first for a clean baseline, or keep the snapshot as the record of where work started.',
  },
  W_WORKTREE_UNHASHED: {
    area: 'evidence',
    cause:
      'A dirty entry of the work tree could not be hashed when the snapshot was taken (unreadable, or a nested repository it cannot read), so it is recorded without a hash; `worktree verify` then reports it as not verifiable (a failure), never as unchanged.',
    fix: 'Make it readable, or commit or remove it before taking the snapshot.',
  },
  W_STANDARDS_CITATION: {
    area: 'evidence',
    cause: 'A standards citation of the task (file#anchor) could not be resolved when the task context was made.',
    fix: 'Fix the file path or the anchor the message names.',
  },
  W_CHECKLIST_MISSING: {
    area: 'evidence',
    cause: 'A checklist the task cites does not exist, so it is not copied into the task context.',
    fix: 'Fix the reference or add the checklist file.',
  },
  W_QA_METADATA_MISSING: {
    area: 'evidence',
    cause:
      'A log was attached as evidence before its QA record existed: it carries no command, exit code or duration, so it covers no validation command.',
    fix: 'Record it with `st3 qa record <task> --command … --exit-code N --log <file>`.',
  },
  W_SYMLINK_OUT: {
    area: 'evidence',
    cause:
      'A symlink in the evidence folder points outside it (or nowhere); symlinks are not followed, so it is left out of the archive.',
    fix: 'Copy the file into the evidence folder if it is evidence.',
  },
  W_SPECIAL_FILE: {
    area: 'evidence',
    cause:
      'An entry of the evidence folder is not a regular file, folder or symlink (a socket, a FIFO, a device); it is left out of the archive.',
    fix: 'Remove it, or replace it with a regular file.',
  },
  W_PATTERN_COUNT: {
    area: 'core',
    cause: "A pattern registry's `metadata.total_patterns` differs from the number of entries.",
    fix: 'Update total_patterns (or the list).',
  },
  W_UNKNOWN_KEY: {
    area: 'core',
    cause:
      'A key of the file is not one ST3 reads there (e.g. `comand:` for `command:`, or `gatess:`): it has no effect. `st3 validate` and the commands that load quality.yaml report it, with the closest known key.',
    fix: 'Fix the spelling the hint suggests, or remove the key.',
  },
} as const satisfies Record<string, WarningCodeInfo>;
