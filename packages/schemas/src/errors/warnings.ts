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
  W_PATTERN_COUNT: {
    area: 'core',
    cause: "A pattern registry's `metadata.total_patterns` differs from the number of entries.",
    fix: 'Update total_patterns (or the list).',
  },
} as const satisfies Record<string, WarningCodeInfo>;
