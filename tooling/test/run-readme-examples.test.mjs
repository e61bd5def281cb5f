import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { expectedOutputs, runReadmeExamples } from '../scripts/run-readme-examples.mjs';

const dirs = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A fake workspace with one package `demo` (its own name resolves to dist/index.js) and this README. */
function workspace(readme) {
  const root = mkdtempSync(join(tmpdir(), 'st3-readme-run-test-'));
  dirs.push(root);
  const files = {
    'packages/demo/package.json': JSON.stringify({
      name: 'demo-lib',
      type: 'module',
      exports: { '.': './dist/index.js' },
    }),
    'packages/demo/dist/index.js': 'export const greet = (name) => `hello ${name}`;\n',
    'packages/demo/README.md': readme,
  };
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

const fence = (info, code) => `\`\`\`${info}\n${code}\n\`\`\`\n`;

describe('run-readme-examples', () => {
  it('runs a `ts run` block in an empty cwd with the package resolvable, and checks pinned output', async () => {
    const code = [
      "import { readdirSync } from 'node:fs';",
      "import { greet } from 'demo-lib';",
      'const n: number = readdirSync(process.cwd()).length;',
      'console.log(greet(`world, ${n} files here`));',
      '// expect-output: hello world, 0 files here',
    ].join('\n');
    const root = workspace(`# demo\n\n${fence('ts run', code)}\n${fence('ts', 'throw new Error("not run");')}`);
    const result = await runReadmeExamples(root);
    expect(result).toEqual({ examples: 1, readmes: 1, problems: [] });
  });

  it('fails at the README line on a thrown error, a non-zero exit, missing output and the timeout', async () => {
    const readme = [
      '# demo',
      '',
      fence('ts run', "const x = 1;\nthrow new Error('boom');"), // code on lines 4-5
      fence('ts run', 'process.exitCode = 3;'), // code on line 9
      fence('ts run', "console.log('something else');\n// expect-output: the pinned text"), // code on lines 13-14
      fence('ts run', 'setInterval(() => {}, 1000);'), // code on line 18
    ].join('\n');
    const root = workspace(readme);
    const { examples, problems } = await runReadmeExamples(root, { timeoutMs: 3000 });
    expect(examples).toBe(4);
    expect(problems).toHaveLength(4);
    expect(problems[0]).toMatch(/^packages\/demo\/README\.md:4 {2}exited with 1/);
    expect(problems[0]).toContain('Error: boom');
    expect(problems[0]).toContain('packages/demo/README.md:5:'); // the stack frame, at the README line
    expect(problems[1]).toMatch(/^packages\/demo\/README\.md:9 {2}exited with 3/);
    expect(problems[2]).toMatch(/^packages\/demo\/README\.md:13 {2}stdout lacks "the pinned text"/);
    expect(problems[2]).toContain('something else');
    expect(problems[3]).toMatch(/^packages\/demo\/README\.md:18 {2}did not finish within 3 s/);
  }, 20_000);

  it('never passes when no block is marked run', async () => {
    const root = workspace(`# demo\n\n${fence('ts', 'console.log(1);')}`);
    const { problems } = await runReadmeExamples(root);
    expect(problems).toEqual(['no ```ts run example found in any README: nothing was run']);
  });

  it('reports a block marked both nocheck and run instead of skipping it', async () => {
    const root = workspace(`# demo\n\n${fence('ts nocheck run', 'listing(a, b)')}`);
    const { problems } = await runReadmeExamples(root);
    expect(problems).toEqual(['packages/demo/README.md:3  a block is either `nocheck` (a listing) or `run`']);
  });

  it('reads `// expect-output:` lines', () => {
    expect(expectedOutputs('a();\n  // expect-output: x y \n// expect-output:\n// other')).toEqual(['x y']);
  });
});
