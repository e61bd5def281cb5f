import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { checkFiles, createScaffolder, readAnswers } from '../src/index.js';
import { scaffoldInto, tempDir } from './helpers.js';

// A pristine checkout in CRLF (git `eol=crlf`, `core.autocrlf`) is the file as generated: not "modified".

let t: ReturnType<typeof tempDir>;
beforeEach(() => {
  t = tempDir();
  mkdirSync(join(t.dir, '.st3'));
});
afterEach(() => t.cleanup());

const MAIN = 'src/dtos/user-profile.ts';
const dtoRequest = {
  type: 'dto',
  name: 'UserProfile',
  context: { fields: [{ name: 'id', type: 'string' }] },
  language: 'ts' as const,
  withTest: false,
};

function git(...args: string[]): void {
  const run = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], {
    cwd: t.dir,
    encoding: 'utf8',
  });
  expect(run.status, run.stderr).toBe(0);
}

const check = async () =>
  (await checkFiles(t.dir, [], await createScaffolder({ workspace: t.dir }))).files.find((f) => f.path === MAIN);

it('scaffold check: a CRLF checkout by git (eol=crlf) of a generated file is current; an edit in it is modified', async () => {
  await scaffoldInto(t.dir, dtoRequest);
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'generated');
  writeFileSync(join(t.dir, '.gitattributes'), '* text eol=crlf\n');
  rmSync(join(t.dir, 'src'), { recursive: true });
  git('checkout', '--', 'src');
  const text = readFileSync(join(t.dir, MAIN), 'utf8');
  expect(text).toContain('\r\n');
  expect(text.replace(/\r\n/g, '')).not.toContain('\n');
  expect(await check()).toMatchObject({ status: 'current' });
  writeFileSync(join(t.dir, MAIN), `${text}// mine\r\n`);
  expect(await check()).toMatchObject({ status: 'modified' });
});

it('a record made before hashes folded CRLF (the exact CRLF text) still matches its file', async () => {
  await scaffoldInto(t.dir, dtoRequest);
  const crlf = readFileSync(join(t.dir, MAIN), 'utf8').replace(/\n/g, '\r\n');
  writeFileSync(join(t.dir, MAIN), crlf);
  const answers = await readAnswers(t.dir);
  const { createHash } = await import('node:crypto');
  const lines = crlf.split('\n');
  lines[1] = lines[1]!.replace(/created=\S*/, 'created=').replace(/updated=\S*/, 'updated=');
  answers.files[MAIN]!.content_sha256 = createHash('sha256').update(lines.join('\n')).digest('hex');
  writeFileSync(join(t.dir, '.st3/scaffold/answers.json'), JSON.stringify(answers, null, 2));
  expect(await check()).toMatchObject({ status: 'current' });
});
