// The three-TODO calculator the agent-truth and review tests run on: one file, three 4-line atoms.
import type { GraphInput } from '@st3/schemas';
import type { ChatRequest } from './fake-openai.js';

/** Three TODO atoms (lines 1-4, 6-9, 11-14), as in the reviewer's reproduction. */
export const CALC = `export function add(a: number, b: number): number {
  // TODO: return the sum
  throw new Error('TODO');
}

export function mul(a: number, b: number): number {
  // TODO: return the product
  throw new Error('TODO');
}

export function sub(a: number, b: number): number {
  // TODO: return the difference
  throw new Error('TODO');
}
`;
export const NAMES = ['add', 'mul', 'sub'] as const;
const OPS: Record<string, string> = { add: '+', mul: '*', sub: '-' };
/** Implementations longer than the TODOs, so applying one moves the atoms after it. */
export const impl = (name: string) =>
  `export function ${name}(a: number, b: number): number {\n  const r = a ${OPS[name]} b;\n  // checked\n  if (Number.isNaN(r)) return 0;\n  return r;\n}`;
export const IMPLEMENTED = `${NAMES.map(impl).join('\n\n')}\n`;

export function calcGraph(): GraphInput {
  const lines = CALC.split('\n');
  return {
    nodes: NAMES.map((id, i) => ({
      id,
      path: 'src/calc.ts',
      startLine: 1 + 5 * i,
      endLine: 4 + 5 * i,
      code: lines.slice(5 * i, 4 + 5 * i).join('\n'),
    })),
    edges: [],
  };
}

/** The function a prompt is about (its atom's code is in the last message). */
export const about = (body: ChatRequest) => /export function (\w+)/.exec(body.messages.at(-1)!.content)![1]!;
