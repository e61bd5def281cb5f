import type { ErrorCodeInfo } from '../codes.js';

export const CORE_CODES = {
  E_USAGE: {
    exit: 2,
    area: 'core',
    cause: 'A command was called with unknown or missing arguments.',
    fix: 'Run the command with --help and follow its usage line.',
  },
  E_FILE_NOT_FOUND: {
    exit: 2,
    area: 'core',
    cause: 'A file or folder named on the command line or in configuration does not exist.',
    fix: 'Check the path (relative paths are resolved from --cwd).',
  },
  E_FILE_READ: {
    exit: 3,
    area: 'core',
    cause:
      'A file exists but could not be read, or a folder could not be listed (permissions, a directory where a file was expected, an I/O error).',
    fix: 'Check permissions and that the path names a regular file; a folder nothing needs to check can be ignored in .gitignore.',
  },
  E_FILE_ENCODING: {
    exit: 1,
    area: 'core',
    cause:
      'A file that must be text is not valid UTF-8. Decoding it anyway would turn different bytes into the same replacement character, so comparisons, hashes and rewrites of it could not be trusted.',
    fix: 'Save the file as UTF-8 (the error gives the line and column of the first byte that is not).',
  },
  E_PARSE: {
    exit: 1,
    area: 'core',
    cause: 'A YAML or JSON file is not well-formed (syntax error, tab indentation, duplicate key, unresolved alias).',
    fix: 'Fix the syntax at the reported line and column.',
  },
  E_SCHEMA: {
    exit: 1,
    area: 'core',
    cause:
      'A file parsed but does not match the schema of its kind (wrong type, missing required field, value outside its enum).',
    fix: 'Change the field at the reported path to what the message says is expected; `st3 schema export` writes the JSON Schemas for editor validation.',
  },
  E_CONFIG_INVALID: {
    exit: 2,
    area: 'core',
    cause: 'A configuration file ST3 needs to run is invalid.',
    fix: 'Run `st3 validate <file>` for each error with line and column, and fix them.',
  },
  E_KIND_UNKNOWN: {
    exit: 2,
    area: 'core',
    cause: 'The kind of a file could not be inferred from its name, or --kind names no known kind.',
    fix: 'Pass --kind with one of the kinds listed by `st3 validate --help`.',
  },
  E_TOO_LARGE: {
    exit: 2,
    area: 'core',
    cause: 'An input is larger than the limit set for it.',
    fix: 'Split the input or raise the limit option.',
  },
  E_PATH_ESCAPE: {
    exit: 2,
    area: 'core',
    cause: 'A path resolves outside the workspace root (`..`, an absolute path, or a symlink pointing out).',
    fix: 'Use a path inside the workspace.',
  },
  E_LOCKED: {
    exit: 3,
    area: 'core',
    cause: 'A shared file stayed locked by another ST3 process for longer than the lock timeout.',
    fix: 'Wait for the other process, or remove a stale `*.lock` left by a crashed one.',
  },
  E_WRITE: {
    exit: 3,
    area: 'core',
    cause: 'An atomic write (temp file + rename) failed.',
    fix: 'Check disk space and permissions of the target folder.',
  },
  E_TOOL_NOT_FOUND: {
    exit: 3,
    area: 'core',
    cause: 'An external program ST3 was asked to run is not installed or not on PATH.',
    fix: 'Install the tool or correct the command in configuration.',
  },
  E_TIMEOUT: {
    exit: 3,
    area: 'core',
    cause: 'A process or operation ran past its timeout and was stopped.',
    fix: 'Raise the timeout or narrow the work.',
  },
  E_INTERRUPTED: {
    exit: 130,
    area: 'core',
    cause: 'The operation was cancelled (Ctrl-C or an AbortSignal).',
    fix: 'Run it again; completed work is kept where the command says so.',
  },
  E_INTERNAL: {
    exit: 3,
    area: 'core',
    cause: 'An unexpected error inside ST3.',
    fix: 'Report it with the command line and the stack trace printed with ST3_DEBUG=1.',
  },
} as const satisfies Record<string, ErrorCodeInfo>;
