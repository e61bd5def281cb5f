import { ERROR_CODES, type ErrorCodeInfo } from './errors/codes.js';
import { WARNING_CODES, type WarningCodeInfo } from './errors/warnings.js';

const EXIT_MEANING: Record<number, string> = {
  1: 'problems found',
  2: 'usage or configuration',
  3: 'tool or runtime failure',
  130: 'interrupted',
};

/** `docs/error-codes.md`, generated from `ERROR_CODES` (regenerate with `pnpm --filter @st3/schemas gen:docs`). */
export function renderErrorCodesMarkdown(
  codes: Record<string, ErrorCodeInfo> = ERROR_CODES,
  warnings: Record<string, WarningCodeInfo> = WARNING_CODES,
): string {
  const lines = [
    '# Error codes',
    '',
    '<!-- Generated from packages/schemas/src/errors/codes/*.ts by `pnpm --filter @st3/schemas gen:docs`. Do not edit by hand. -->',
    '',
    'Every error ST3 reports carries one of these stable codes (in `--json` output as `error.code`).',
    'Check them by code (`isSt3Error(e, "E_X")`); the exit code is what the `st3` command exits with.',
    'Codes starting with `W_` are warnings: reported, never fatal.',
    '',
  ];
  const byArea = new Map<string, [string, ErrorCodeInfo][]>();
  for (const [code, info] of Object.entries(codes)) {
    const list = byArea.get(info.area) ?? [];
    list.push([code, info]);
    byArea.set(info.area, list);
  }
  for (const [area, list] of byArea) {
    lines.push(`## ${area}`, '', '| code | exit | cause | fix |', '|---|---|---|---|');
    for (const [code, info] of list.sort(([a], [b]) => a.localeCompare(b))) {
      lines.push(
        `| \`${code}\` | ${info.exit} (${EXIT_MEANING[info.exit] ?? ''}) | ${cell(info.cause)} | ${cell(info.fix)} |`,
      );
    }
    lines.push('');
  }
  lines.push('## warnings', '', '| code | area | cause | fix |', '|---|---|---|---|');
  for (const [code, info] of Object.entries(warnings).sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`| \`${code}\` | ${info.area} | ${cell(info.cause)} | ${cell(info.fix)} |`);
  }
  lines.push('');
  return lines.join('\n');
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
