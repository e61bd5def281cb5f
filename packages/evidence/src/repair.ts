/**
 * Bounded auto-repair of task YAML: only mechanical faults whose fix cannot change meaning.
 * Each fix is a pure text → text function; `repairYaml` applies them in order and says which changed something.
 */
export interface RepairFix {
  name: string;
  apply(text: string): string;
}

export const REPAIR_FIXES: readonly RepairFix[] = [
  { name: 'strip_bom', apply: (t) => (t.charCodeAt(0) === 0xfeff ? t.slice(1) : t) },
  { name: 'crlf_to_lf', apply: (t) => t.replace(/\r\n?/g, '\n') },
  {
    name: 'tabs_to_spaces',
    // Only leading tabs (indentation); a tab inside a value is content.
    apply: (t) => t.replace(/^[ \t]+/gm, (lead) => lead.replace(/\t/g, '  ')),
  },
  { name: 'trailing_whitespace', apply: (t) => t.replace(/[ \t]+$/gm, '') },
  { name: 'final_newline', apply: (t) => (t.length > 0 && !t.endsWith('\n') ? `${t}\n` : t) },
  { name: 'quote_backtick_scalars', apply: quoteBacktickScalars },
];

export function repairYaml(text: string): { text: string; applied: string[] } {
  let current = text;
  const applied: string[] = [];
  for (const fix of REPAIR_FIXES) {
    const next = fix.apply(current);
    if (next !== current) {
      applied.push(fix.name);
      current = next;
    }
  }
  return { text: current, applied };
}

/**
 * `- `cmd` does x` and `key: `cmd`` are YAML errors (a plain scalar cannot start with a backtick).
 * The value, with its more-indented continuation lines, becomes one single-quoted scalar.
 */
function quoteBacktickScalars(text: string): string {
  const lines = text.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^(\s*)(- |[\w.-]+: )(`.*)$/.exec(lines[i]!);
    if (!m) {
      out.push(lines[i]!);
      continue;
    }
    const indent = m[1]!.length;
    const value = [m[3]!];
    while (
      i + 1 < lines.length &&
      lines[i + 1]!.trim() !== '' &&
      /^\s*/.exec(lines[i + 1]!)![0].length > indent &&
      !/^\s*- /.test(lines[i + 1]!.slice(indent))
    ) {
      value.push(lines[++i]!);
    }
    const quoted = value.map((v) => v.replace(/'/g, "''"));
    quoted[0] = `'${quoted[0]}`;
    quoted[quoted.length - 1] = `${quoted[quoted.length - 1]}'`;
    out.push(`${m[1]}${m[2]}${quoted[0]}`, ...quoted.slice(1));
  }
  return out.join('\n');
}
