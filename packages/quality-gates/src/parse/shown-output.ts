import type { GateConfig } from '@st3/schemas';
import { compileConfigRegex } from '../config/regex.js';
import { capLine } from './normalize.js';

/**
 * The excerpt of a tool's stderr that a gate's reason shows: `\nstderr:\n` and its last `lines` lines,
 * or '' when it wrote nothing. Lines `capabilities.hidden_output_patterns` matches are left out first
 * (the debug log the gate's own command asks for, e.g. ruff format --verbose for checked_files_pattern),
 * so the tool's real messages fill the excerpt; how many were left out is said, never silently.
 */
export type StderrExcerpt = (stderr: string, lines?: number) => string;

/** The excerpt function of a gate (its patterns compiled once). */
export function stderrExcerpt(gate: GateConfig): StderrExcerpt {
  const hidden = (gate.capabilities.hidden_output_patterns ?? []).map(compileConfigRegex);
  return (stderr, lines = 20) => {
    const all = stderr.trimEnd().split(/\r?\n/);
    if (all.length === 1 && all[0]!.trim() === '') return '';
    const shown = hidden.length === 0 ? all : all.filter((line) => !hidden.some((re) => re.test(capLine(line))));
    const left = all.length - shown.length;
    const note = left === 0 ? '' : ` (${left} log line${left === 1 ? '' : 's'} not shown: hidden_output_patterns)`;
    const text = shown.slice(-lines).join('\n');
    if (left > 0 && text.trim() === '') return `\nstderr: nothing but log lines${note}`;
    return `\nstderr${note}:\n${text}`;
  };
}
