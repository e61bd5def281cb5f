// The command agent of the execute tests: it answers a prompt with the atom's `// TODO divide` done.

/** A source file with one function whose TODO the agent does (`return n;` becomes `return n / 2;`). */
export const todoSource = (name: string) => `export function ${name}(n: number): number {
  // TODO divide
  return n;
}
`;

/** The agent script (tools/agent.mjs): the atom of the prompt with its TODO done (prompt on stdin, answer on stdout). */
export const TODO_AGENT = `let prompt = '';
for await (const chunk of process.stdin) prompt += chunk;
const m = /^## The atom: \\S+ lines \\d+-\\d+\\n\\n(\`{3,})(\\w*)\\n([\\s\\S]*?)\\n\\1$/m.exec(prompt);
if (!m) process.exit(2);
const code = m[3].replace(/\\n\\s*\\/\\/ TODO divide/, '').replace('return n;', 'return n / 2;');
process.stdout.write('\`\`\`' + m[2] + '\\n' + code + '\\n\`\`\`\\n');
`;
