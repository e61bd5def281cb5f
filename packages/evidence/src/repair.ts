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
  {
    name: 'quote_backtick_scalars',
    // `- `cmd` does x` and `key: `cmd`` are YAML errors (backtick is reserved); single-quote the value.
    apply: (t) => t.replace(/^(\s*(?:- |[\w.-]+: ))(`[^\n]*)$/gm, (_m, lead: string, value: string) => `${lead}'${value.replace(/'/g, "''")}'`),
  },
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
