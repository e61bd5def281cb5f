import { estimateTokens, tokenWeight } from './tokens.js';
import type { AtomContextParts, AtomContextView } from './view.js';

const FENCE: Record<string, string> = { typescript: 'ts', tsx: 'tsx', javascript: 'js', jsx: 'jsx', python: 'python' };

/** Trimming order: the last part goes first. */
const PRIORITY: (keyof AtomContextParts)[] = [
  'chain',
  'inputs',
  'imports',
  'dependencies',
  'types',
  'outputs',
  'preconditions',
  'postconditions',
  'testHints',
];

const TITLES: Record<string, string> = {
  chain: 'Enclosing code (the atom sits inside these headers)',
  inputs: 'Inputs (names it uses and where they are bound)',
  imports: 'Imports it uses',
  dependencies: 'Depends on (signatures)',
  types: 'Types it uses',
  outputs: 'Outputs (names later atoms read)',
  preconditions: 'Preconditions',
  postconditions: 'Postconditions',
  testHints: 'Test hints',
};

export interface RenderedPart {
  part: keyof AtomContextParts;
  items: string[];
}

type Head = AtomContextView['atom'];

function fence(lang: string, code: string): string {
  const ticks = code.includes('```') ? '````' : '```';
  return `${ticks}${FENCE[lang] ?? ''}\n${code}\n${ticks}`;
}

function itemsOf(head: Head, parts: AtomContextParts, key: keyof AtomContextParts): string[] {
  const lang = head.language;
  switch (key) {
    case 'chain':
      return parts.chain.map((h) => `line ${h.line}:\n${fence(lang, h.text)}`);
    case 'inputs':
      return parts.inputs.map(
        (i) =>
          `- \`${i.name}${i.type ? `: ${i.type}` : ''}\` — ${i.source}, ${i.usage === 'call' ? 'called' : i.usage === 'write' ? 'assigned' : i.usage === 'type' ? 'as a type' : 'read'}${i.line ? `, bound at line ${i.line}` : ''}`,
      );
    case 'imports':
      return parts.imports.map((i) => fence(lang, i.text));
    case 'dependencies':
      return parts.dependencies.map(
        (d) =>
          `- \`${d.id}\` (${d.type}: ${d.symbols.join(', ')})${d.path !== head.path ? ` in ${d.path}` : ''}\n${fence(lang, d.signature)}`,
      );
    case 'types':
      return parts.types.map(
        (t) =>
          `${t.kind} \`${t.name}\` (${t.path}:${t.startLine}${t.truncated ? ', first 30 lines' : ''}):\n${fence(lang, t.code)}`,
      );
    case 'outputs':
      return parts.outputs.map(
        (o) => `- \`${o.name}${o.type ? `: ${o.type}` : ''}\` — read by ${o.readBy.map((r) => `\`${r}\``).join(', ')}`,
      );
    case 'preconditions':
    case 'postconditions':
    case 'testHints':
      return (parts[key] as string[]).map((x) => `- ${x}`);
    default:
      return [];
  }
}

function headerOf(head: Head, parts: AtomContextParts): string {
  const where = head.scope.length > 1 ? ` in \`${head.scope.slice(1).join(' › ')}\`` : '';
  const lines = [
    `# Atom \`${head.id}\``,
    '',
    `${head.path} lines ${head.startLine}–${head.endLine} · ${head.language} · ${head.kind}${head.name ? ` \`${head.name}\`` : ''}${where}${head.complexity !== undefined ? ` · complexity ${head.complexity}` : ''}`,
  ];
  if (parts.returns) lines.push('', `Returns: \`${parts.returns}\``);
  return lines.join('\n');
}

/** The line telling the reader what the budget left out (it counts against the budget too). */
function trimNote(dropped: ReadonlyMap<keyof AtomContextParts, number>, budget: number | undefined): string[] {
  if (dropped.size === 0) return [];
  const parts = PRIORITY.filter((p) => dropped.has(p))
    .reverse()
    .map((p) => `${TITLES[p]!.replace(/ \(.*$/, '').toLowerCase()} (${dropped.get(p)})`);
  return [`> Trimmed to fit ${budget} tokens; left out (items): ${parts.join(', ')}.`];
}

function assemble(
  head: Head,
  parts: AtomContextParts,
  kept: Map<string, string[]>,
  code: boolean,
  note: string[] = [],
): string {
  const out = [headerOf(head, parts), ...note];
  for (const key of PRIORITY) {
    const items = kept.get(key) ?? [];
    if (items.length === 0) continue;
    out.push(`## ${TITLES[key]}`, items.join('\n'));
  }
  if (code) out.push('## Code', fence(head.language, head.code));
  return `${out.join('\n\n')}\n`;
}

/**
 * Renders the parts as Markdown within `budget` tokens: while over budget, the last item of the
 * lowest-priority part that still has items is dropped (test hints first, the enclosing headers last).
 * The atom's header line and its code are never dropped; a trimmed context says what it left out.
 */
export function renderContext(
  head: Head,
  parts: AtomContextParts,
  options: { budget?: number; code: boolean },
): {
  parts: AtomContextParts;
  markdown: string;
  tokens: number;
  overBudget: boolean;
  trimmed: AtomContextView['trimmed'];
} {
  const kept = new Map<string, string[]>();
  for (const key of PRIORITY) kept.set(key, itemsOf(head, parts, key));
  let markdown = assemble(head, parts, kept, options.code);
  const trimmed: AtomContextView['trimmed'] = [];
  const out: AtomContextParts = { ...parts };
  if (options.budget !== undefined) {
    const dropped = new Map<keyof AtomContextParts, number>();
    let k = PRIORITY.length - 1;
    while (estimateTokens(markdown) > options.budget && k >= 0) {
      const key = PRIORITY[k]!;
      const items = kept.get(key)!;
      if (items.length === 0) {
        k--;
        continue;
      }
      // Drop enough items at once to cover the excess (a context has tens of items, each re-render is cheap).
      let excess = estimateTokens(markdown) - options.budget;
      while (items.length > 0 && excess > 0) {
        excess -= tokenWeight(`${items.pop()!}\n`);
        dropped.set(key, (dropped.get(key) ?? 0) + 1);
      }
      markdown = assemble(head, parts, kept, options.code, trimNote(dropped, options.budget));
    }
    for (const [part, n] of dropped) {
      trimmed.push({ part, dropped: n });
      const list = out[part];
      if (Array.isArray(list)) (out as unknown as Record<string, unknown[]>)[part] = list.slice(0, list.length - n);
    }
  }
  const tokens = estimateTokens(markdown);
  return {
    parts: out,
    markdown,
    tokens,
    overBudget: options.budget !== undefined && tokens > options.budget,
    trimmed: trimmed.sort((a, b) => PRIORITY.indexOf(b.part) - PRIORITY.indexOf(a.part)),
  };
}
