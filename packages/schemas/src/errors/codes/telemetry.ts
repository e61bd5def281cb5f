import type { ErrorCodeInfo } from '../codes.js';

/** Codes owned by the telemetry area; add new ones here (never rename or reuse one). */
export const TELEMETRY_CODES = {
  E_QA_LOG_UNREADABLE: {
    exit: 2,
    area: 'telemetry',
    cause:
      'A QA log could not be read as any supported format (ESLint JSON, tsc text, jest/vitest JSON or text reporter, istanbul coverage-summary.json, lcov), or not as the --kind asked for.',
    fix: 'Pass the raw output of the tool (e.g. `eslint -f json`, `tsc --pretty false`, `vitest run --reporter=json`, coverage/coverage-summary.json) or the right --kind.',
  },
  E_QA_NO_BASELINE: {
    exit: 2,
    area: 'telemetry',
    cause:
      'QA drift has nothing to compare: no baseline summary or no current run for that command in the task context.',
    fix: 'Record a run first with `st3 qa record <task> …` (the first run of a command becomes its baseline), or pass --baseline FILE.',
  },
  E_TELEMETRY_CORRUPT: {
    exit: 3,
    area: 'telemetry',
    cause:
      'A telemetry-<agent>.json file that ST3 was asked to add to is not a telemetry record (not JSON, or not the telemetry schema); it is left untouched.',
    fix: 'Move the file aside or restore it; `st3 validate <file>` shows what is wrong with it.',
  },
  E_TELEMETRY_MISFILED: {
    exit: 3,
    area: 'telemetry',
    cause:
      "A telemetry file is in the wrong place: it records another task than the context folder it is in, or it is a second file of one agent under another name, or it holds another agent's record (appendRecord refuses to add to it). It is not counted (it would count another task's figures, or one agent twice) and is left untouched.",
    fix: "Move it to its own task's context folder, merge it into telemetry-<agent>.json (`st3 telemetry record` writes there), or remove it.",
  },
} as const satisfies Record<string, ErrorCodeInfo>;
