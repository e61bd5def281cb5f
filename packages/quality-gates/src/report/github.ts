import type { GateRunResult } from '../run/types.js';

const COMMAND = { error: 'error', warning: 'warning', info: 'notice' } as const;

/** GitHub Actions workflow commands: `::error file=…,line=…,col=…,title=…::message`, one per violation. */
export function toGithubAnnotations(result: GateRunResult): string {
  const lines: string[] = [];
  for (const gate of result.gates) {
    for (const v of gate.violations) {
      const props: string[] = [];
      if (v.file) props.push(`file=${escapeProperty(v.file)}`);
      if (v.line !== null) props.push(`line=${v.line}`);
      if (v.line !== null && v.col !== null) props.push(`col=${v.col}`);
      props.push(`title=${escapeProperty(`${gate.id}${v.rule ? `: ${v.rule}` : ''}`)}`);
      lines.push(`::${COMMAND[v.severity]} ${props.join(',')}::${escapeData(v.message)}`);
    }
    if (gate.status === 'error')
      lines.push(
        `::error title=${escapeProperty(`${gate.id}: gate error`)}::${escapeData(gate.reason ?? 'the gate could not run')}`,
      );
  }
  lines.push(`::notice title=st3 gates::${escapeData(result.summary)}`);
  return `${lines.join('\n')}\n`;
}

function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
