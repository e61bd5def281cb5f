import { relative, sep } from 'node:path';
import { runGates, toMcpContent, type ScopeKind } from '@st3/quality-gates';
import { St3Error } from '@st3/schemas';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { resolveInside } from '../paths.js';

export interface GateArgs {
  scope?: ScopeKind;
  files?: string[];
  gates?: string[];
}

/**
 * `run_quality_gates`: the gate engine on the workspace. The result is the two content items of the
 * gate-run contract (summary text, then JSON). Read-only for ST3's own files: the baseline in
 * `.st3/state.json` and the raw-output logs are left alone (the CLI records them).
 */
export async function runQualityGates(root: string, args: GateArgs, signal?: AbortSignal): Promise<CallToolResult> {
  const files = (args.files ?? []).map((f) => relative(root, resolveInside(root, f)).split(sep).join('/'));
  const scope = args.scope ?? (files.length > 0 ? 'files' : 'auto');
  if (scope === 'files' && files.length === 0)
    throw new St3Error('E_USAGE', 'scope "files" needs files', {
      hint: 'pass files: ["src/a.ts", ...] or another scope',
    });
  if (scope !== 'files' && files.length > 0)
    throw new St3Error('E_USAGE', `files were given with scope "${scope}"`, {
      hint: 'drop scope or use scope "files"',
    });
  const result = await runGates({
    cwd: root,
    scope: { kind: scope, files, filesBase: root },
    ...(args.gates && args.gates.length > 0 ? { gates: args.gates } : {}),
    ...(signal ? { signal } : {}),
    updateState: false,
    logOutput: false,
  });
  const { content, isError } = toMcpContent(result);
  return { content: [...content], isError };
}
