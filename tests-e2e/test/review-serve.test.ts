/// <reference lib="dom" />
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chromiumLaunchOptions, haveChromium } from '@st3/tooling/browser';
import { json, runSt3, st3Bin, withTempDir } from '../src/run-cli.js';

const CALC = ['add', 'mul']
  .map((f) => `export function ${f}(a: number, b: number): number {\n  // TODO: ${f}\n  throw new Error('TODO');\n}\n`)
  .join('\n');
/**
 * The agent: add is right; mul is wrong (a + b) until a reviewer's feedback asks for multiplication.
 * Its answers use `var` (a detected issue), so their confidence stays below --review-below 1 and they are queued.
 */
const AGENT = `import { appendFileSync } from 'node:fs';
let s = '';
for await (const c of process.stdin) s += c;
const f = /export function (\\w+)/.exec(s)[1];
appendFileSync('prompts.log', JSON.stringify({ f, prompt: s }) + '\\n');
const expr = f === 'add' ? 'a + b' : s.includes('use multiplication') ? 'a * b' : 'a + b';
process.stdout.write('\\x60\\x60\\x60ts\\nexport function ' + f + '(a: number, b: number): number {\\n  var r = ' + expr + ';\\n  return r;\\n}\\n\\x60\\x60\\x60\\n');
`;

describe.skipIf(!haveChromium)('st3 review serve in a real browser', () => {
  it('queue renders; Approve writes the file; Reject then st3 execute regenerates with the feedback; Edit applies', async () => {
    await withTempDir(async (dir) => {
      await mkdir(join(dir, '.st3', 'config'), { recursive: true });
      await mkdir(join(dir, 'src'));
      await writeFile(join(dir, 'src', 'calc.ts'), CALC);
      await writeFile(join(dir, 'agent.mjs'), AGENT);
      await writeFile(
        join(dir, '.st3', 'config', 'agents.yaml'),
        `version: 1\ndefault: script\nagents:\n  script: {kind: command, command: [${JSON.stringify(process.execPath)}, agent.mjs]}\n`,
      );
      const execute = () =>
        runSt3(
          [
            'execute',
            'src',
            '--only-matching',
            'TODO',
            '--instruction',
            'Implement it.',
            '--review-below',
            '1',
            '--json',
          ],
          {
            cwd: dir,
          },
        );
      const first = await execute();
      expect(first.code, first.stderr).toBe(0);
      expect(json(first).review.queued).toHaveLength(2);

      const server = spawn(process.execPath, [st3Bin, 'review', 'serve', '--port', '0', '--json'], {
        cwd: dir,
        env: { ...process.env, NO_COLOR: '1', CI: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const exited = new Promise<number | null>((r) => server.on('exit', (code) => r(code)));
      try {
        const url = await new Promise<string>((resolve, reject) => {
          let out = '';
          server.stdout.setEncoding('utf8').on('data', (c: string) => {
            out += c;
            const m = /"url":\s*"([^"]+)"/.exec(out);
            if (m) resolve(m[1]!);
          });
          server.on('exit', () => reject(new Error(`review serve exited: ${out}`)));
        });
        expect(new URL(url).hostname).toBe('127.0.0.1');
        const { chromium: launcher } = await import('playwright-core');
        const browser = await launcher.launch(chromiumLaunchOptions());
        try {
          const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
          const problems: string[] = [];
          const requests: string[] = [];
          page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
          page.on('pageerror', (e) => problems.push(e.message));
          page.on('request', (r) => requests.push(r.url()));
          await page.goto(url);
          await page.locator('#queue tbody tr').nth(1).waitFor();
          expect(await page.locator('#queue tbody tr').count()).toBe(2);
          await page.locator('#reviewer').fill('ana');
          await page.locator('#reviewer').dispatchEvent('change');

          // Approve add: the change is written into the file.
          await page.locator('#queue tbody tr', { hasText: 'src/calc.ts:1-' }).click();
          await page.locator('#title', { hasText: 'src/calc.ts:1-' }).waitFor();
          expect(await page.locator('#code .marker').first().textContent()).toContain('ts/var');
          await page.getByRole('button', { name: 'Approve', exact: true }).click();
          await page.getByRole('button', { name: 'Apply and approve' }).click();
          await page.locator('#toast', { hasText: 'approved and written to src/calc.ts' }).waitFor();
          expect(await readFile(join(dir, 'src/calc.ts'), 'utf8')).toContain(
            '  var r = a + b;\n  return r;\n}\n\nexport function mul',
          );

          // Reject mul with feedback; the next `st3 execute` regenerates it with that feedback.
          await page.locator('#queue tbody tr', { hasText: 'approved' }).waitFor();
          await page.locator('#queue tbody tr', { hasText: 'pending' }).click();
          await page.locator('#title', { hasText: 'src/calc.ts:' }).waitFor();
          await page.getByRole('button', { name: 'Reject', exact: true }).click();
          await page.locator('#dlg-reject textarea').fill('use multiplication, not addition');
          await page.getByRole('button', { name: 'Reject with feedback' }).click();
          await page.locator('#toast', { hasText: 'rejected' }).waitFor();
          const second = await execute();
          expect(second.code, second.stderr).toBe(0);
          const prompts = (await readFile(join(dir, 'prompts.log'), 'utf8'))
            .trim()
            .split('\n')
            .map((l) => JSON.parse(l) as { f: string; prompt: string });
          // add was approved: not generated again; mul was generated twice, the second time with the feedback.
          expect(prompts.map((p) => p.f).sort()).toEqual(['add', 'mul', 'mul']);
          expect(prompts.at(-1)!.f).toBe('mul');
          expect(prompts.at(-1)!.prompt).toContain(
            '## Reviewer feedback on an earlier version\n\nuse multiplication, not addition',
          );

          // Edit the regenerated mul: the reviewer's code is validated and written.
          await page.reload();
          await page.locator('#queue tbody tr', { hasText: 'pending' }).click();
          await page.locator('#code', { hasText: 'a * b' }).waitFor();
          await page.getByRole('button', { name: 'Edit', exact: true }).click();
          await page
            .locator('#dlg-edit textarea')
            .fill('export function mul(a: number, b: number): number {\n  return a * b;\n}');
          await page.getByRole('button', { name: 'Save and apply' }).click();
          await page.locator('#toast', { hasText: 'edited, validated and written' }).waitFor();
          expect(await readFile(join(dir, 'src/calc.ts'), 'utf8')).toBe(
            'export function add(a: number, b: number): number {\n  var r = a + b;\n  return r;\n}\n\nexport function mul(a: number, b: number): number {\n  return a * b;\n}\n',
          );
          const items = json(await runSt3(['review', 'list', '--json'], { cwd: dir })).items;
          expect(items.map((i: { status: string; reviewer?: string }) => i.status)).toEqual(['approved', 'approved']);

          expect(problems).toEqual([]);
          for (const r of requests) expect(new URL(r).hostname).toBe('127.0.0.1');
        } finally {
          await browser.close();
        }
      } finally {
        server.kill('SIGINT');
        // Ctrl-C is how a server stops: the command ends as interrupted.
        expect(await exited).toBe(130);
      }
    });
  }, 240_000);
});
