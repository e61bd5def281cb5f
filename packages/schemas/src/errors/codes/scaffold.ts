import type { ErrorCodeInfo } from '../codes.js';

/** Codes owned by the scaffold area; add new ones here (never rename or reuse one). */
export const SCAFFOLD_CODES = {
  E_ARTIFACT_UNKNOWN: {
    exit: 2,
    area: 'scaffold',
    cause:
      'The artifact type named on the command line is neither built in nor in `.st3/config/artifacts.yaml`, or it has no template for the requested language.',
    fix: 'Run `st3 scaffold list` for the known types and their languages.',
  },
  E_CONTEXT_INVALID: {
    exit: 1,
    area: 'scaffold',
    cause:
      'The context given to a schema-first (v2) template does not match its context schema; each bad field is listed.',
    fix: "Fix or add the named fields (`--set key=value` or `--context file.yaml`); `st3 scaffold list --json` shows each type's schema.",
  },
  E_TEMPLATE: {
    exit: 2,
    area: 'scaffold',
    cause:
      'A template is broken: eta syntax or runtime error, a bad metadata block, or a layout/partial it names does not exist.',
    fix: 'Fix the template at the reported file; user templates live in `.st3/templates/`.',
  },
  E_CONFLICT: {
    exit: 1,
    area: 'scaffold',
    cause:
      'A file the scaffold would write already exists with different content, and the overwrite policy refuses to replace it.',
    fix: 'Review the diff with `--dry-run`, then pass `--force` to overwrite (or choose another `--out`).',
  },
  E_PLACEMENT: {
    exit: 2,
    area: 'scaffold',
    cause:
      'The output path is in a directory whose `project_structure.yaml` policy does not take this artifact type (or this file extension).',
    fix: 'Leave out `--out` to use the default placement, or pick one of the directories the hint names.',
  },
  E_INJECT: {
    exit: 2,
    area: 'scaffold',
    cause:
      'An injection of the artifact type cannot be applied: its target file is missing, or its anchor (after, before, marker, at_line) is not in it.',
    fix: 'Create the target or add the anchor, or fix the `injections` of the artifact type in artifacts.yaml.',
  },
  E_SCAFFOLD_NO_FILES: {
    exit: 2,
    area: 'scaffold',
    cause:
      '`st3 scaffold check` (or the MCP `scaffold_check` tool) found no generated file to judge: the paths given (or the workspace) hold no file with a provenance header, and .st3/scaffold/answers.json records none there. Checking nothing is no verdict.',
    fix: 'Give the files or folders holding generated files (.gitignore is honoured; node_modules, dist and .git are skipped); files scaffolded by ST3 carry a provenance header and are recorded in .st3/scaffold/answers.json.',
  },
} as const satisfies Record<string, ErrorCodeInfo>;
