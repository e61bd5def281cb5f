import { chmod, mkdir, readFile, rm, symlink, truncate, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  cacheExcerpt,
  checkExcerpts,
  DEFAULT_TASKS_CONFIG,
  diffContext,
  initContext,
  quarantineTask,
  readContext,
  releaseQuarantined,
  repairQuarantined,
  takeSnapshot,
  taskFileDrift,
  validateTaskFile,
  verifyWorktree,
  type EvidenceWorkspace,
} from '../src/index.js';
import { fixedClock, git, withTemp } from './helpers.js';
import { completeTask } from './task-text.js';

/**
 * Verdicts ("matches", "unchanged", "fresh", "valid") that were printed without being established:
 * each case here was judged equal or valid although the thing could not be compared.
 */

/** Past what `readFile` reads in one piece (2 GiB - 1): a sparse file, instant to make, no disk used. */
const HUGE = 2 ** 31 + 16;

async function committed(root: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), text);
  }
  git(root, 'init', '-q');
  git(root, 'add', '.');
  git(root, 'commit', '-q', '-m', 'init');
}

describe('worktree verify says "matches" only when it compared', () => {
  it('sees a mode change of a file that was already dirty', async () => {
    await withTemp(async (root) => {
      await committed(root, { 'run.sh': 'echo a\n' });
      await writeFile(join(root, 'run.sh'), 'echo b\n');
      const snap = await takeSnapshot(root);
      expect((await verifyWorktree(root, snap)).clean).toBe(true);
      await chmod(join(root, 'run.sh'), 0o755);
      const drift = await verifyWorktree(root, snap);
      expect(drift.clean).toBe(false);
      expect(drift.changed).toEqual([{ path: 'run.sh', change: 'modified', status: 'M' }]);
    });
  });

  it('sees a dirty symlink retargeted to another file with the same content, and to another folder', async () => {
    await withTemp(async (root) => {
      await committed(root, { 'a.txt': 'same\n', 'b.txt': 'same\n', 'd1/x': '1\n', 'd2/x': '2\n' });
      await symlink('a.txt', join(root, 'link'));
      await symlink('d1', join(root, 'dirlink'));
      const snap = await takeSnapshot(root);
      expect(snap.dirty.map((d) => [d.path, d.status])).toEqual([
        ['dirlink', '??'],
        ['link', '??'],
      ]);
      expect(snap.dirty.every((d) => d.sha256 !== null)).toBe(true);
      expect((await verifyWorktree(root, snap)).clean).toBe(true);
      await unlink(join(root, 'link'));
      await symlink('b.txt', join(root, 'link'));
      await unlink(join(root, 'dirlink'));
      await symlink('d2', join(root, 'dirlink'));
      const drift = await verifyWorktree(root, snap);
      expect(drift.clean).toBe(false);
      expect(drift.changed).toEqual([
        { path: 'dirlink', change: 'modified', status: '??' },
        { path: 'link', change: 'modified', status: '??' },
      ]);
    });
  });

  it('sees a change inside an untracked nested repository: its HEAD and its own dirty files', async () => {
    await withTemp(async (root) => {
      await committed(root, { 'a.txt': 'a\n' });
      await committed(join(root, 'vendor'), { 'lib.js': 'one\n' });
      const snap = await takeSnapshot(root);
      expect(snap.dirty).toEqual([{ path: 'vendor/', status: '??', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
      expect((await verifyWorktree(root, snap)).clean).toBe(true);
      await writeFile(join(root, 'vendor/lib.js'), 'two\n');
      expect((await verifyWorktree(root, snap)).changed).toEqual([
        { path: 'vendor/', change: 'modified', status: '??' },
      ]);
      git(join(root, 'vendor'), 'commit', '-q', '-am', 'two');
      expect((await verifyWorktree(root, snap)).clean).toBe(false);
      const again = await takeSnapshot(root);
      await writeFile(join(root, 'vendor/new.js'), 'new\n');
      expect((await verifyWorktree(root, again)).changed).toEqual([
        { path: 'vendor/', change: 'modified', status: '??' },
      ]);
    });
  });

  it('reports an entry it cannot hash as not verifiable: a warning at the snapshot, a failing verify', async () => {
    await withTemp(async (root) => {
      await committed(root, { 'a.txt': 'a\n' });
      // A folder whose `.git` is no repository (a file with no `gitdir:` line): listed as `broken/`, its
      // state cannot be read.
      await mkdir(join(root, 'broken'));
      await writeFile(join(root, 'broken/.git'), 'not a repository\n');
      await writeFile(join(root, 'broken/f.txt'), 'f\n');
      const warnings: { code: string; message: string; path: string }[] = [];
      const snap = await takeSnapshot(root, { onWarning: (w) => warnings.push(w) });
      expect(snap.dirty).toEqual([{ path: 'broken/', status: '??', sha256: null }]);
      expect(warnings).toEqual([
        expect.objectContaining({
          code: 'W_WORKTREE_UNHASHED',
          path: 'broken/',
          message: expect.stringContaining('broken/'),
        }),
      ]);
      const drift = await verifyWorktree(root, snap);
      expect(drift.clean).toBe(false);
      expect(drift.changed).toEqual([
        { path: 'broken/', change: 'unverifiable', status: '??', reason: expect.stringMatching(/\S/) },
      ]);
      // A snapshot entry recorded without a hash stays unverifiable even once the thing can be hashed.
      await rm(join(root, 'broken/.git'));
      const now = await verifyWorktree(root, {
        ...snap,
        dirty: [{ path: 'broken/f.txt', status: '??', sha256: null }],
      });
      expect(now.changed).toEqual([
        { path: 'broken/f.txt', change: 'unverifiable', status: '??', reason: expect.stringMatching(/\S/) },
      ]);
    });
  });

  it('context init passes the warning about an entry it could not hash on', async () => {
    await withTemp(async (root) => {
      await committed(root, { 'tasks/TASK-0042-x.task.yaml': completeTask('TASK-0042') });
      await mkdir(join(root, 'broken'));
      await writeFile(join(root, 'broken/.git'), 'not a repository\n');
      const ws = { root, config: { ...DEFAULT_TASKS_CONFIG, task_dirs: ['tasks'] } };
      const { warnings } = await initContext(ws, 'TASK-0042', { clock: fixedClock });
      expect(warnings).toContainEqual({
        code: 'W_WORKTREE_UNHASHED',
        message: expect.stringContaining('broken/ is recorded'),
      });
    });
  });

  it('still verifies an older snapshot (content hash, no mode) of a plain file, and a deletion', async () => {
    await withTemp(async (root) => {
      await committed(root, { 'a.txt': 'a\n', 'gone.txt': 'g\n' });
      await writeFile(join(root, 'a.txt'), 'b\n');
      await unlink(join(root, 'gone.txt'));
      const old = {
        head: git(root, 'rev-parse', 'HEAD').trim(),
        branch: 'main',
        taken_at: '2026-01-01T00:00:00.000Z',
        dirty: [
          // sha256 of "b\n", as snapshots recorded it before modes were hashed
          { path: 'a.txt', status: 'M', sha256: '0263829989b6fd954f72baaf2fc64bc2e2f01d692d4de72986ea808f6e99813f' },
          { path: 'gone.txt', status: 'D', sha256: null },
        ],
      };
      expect(await verifyWorktree(root, old)).toMatchObject({ clean: true, changed: [] });
    });
  });
});

describe('context diff says "unchanged" only when it compared', () => {
  const TASK = 'tasks/TASK-0042-truth.task.yaml';

  async function repo(root: string): Promise<EvidenceWorkspace> {
    await mkdir(join(root, 'tasks'), { recursive: true });
    await writeFile(join(root, TASK), completeTask('TASK-0042'));
    return { root, config: { ...DEFAULT_TASKS_CONFIG, task_dirs: ['tasks'] } };
  }

  it('a task file that cannot be read is E_FILE_READ naming it, not "unchanged"', async () => {
    await withTemp(async (root) => {
      const ws = await repo(root);
      await initContext(ws, 'TASK-0042', { worktree: 'skip', clock: fixedClock });
      // Too big for readFile (ERR_FS_FILE_TOO_LARGE): a read error other than "not there", buildable as root.
      await truncate(join(root, TASK), HUGE);
      const context = await readContext(ws, 'TASK-0042');
      await expect(taskFileDrift(ws, context)).rejects.toMatchObject({ code: 'E_FILE_READ', file: TASK });
      await expect(diffContext(ws, 'TASK-0042')).rejects.toMatchObject({ code: 'E_FILE_READ', file: TASK });
    });
  });

  it('a task file that is a folder now is E_FILE_READ, not "gone"', async () => {
    await withTemp(async (root) => {
      const ws = await repo(root);
      await initContext(ws, 'TASK-0042', { worktree: 'skip', clock: fixedClock });
      await unlink(join(root, TASK));
      await mkdir(join(root, TASK));
      const context = await readContext(ws, 'TASK-0042');
      await expect(taskFileDrift(ws, context)).rejects.toMatchObject({ code: 'E_FILE_READ', file: TASK });
    });
  });

  it('a task file that is gone is a change', async () => {
    await withTemp(async (root) => {
      const ws = await repo(root);
      await initContext(ws, 'TASK-0042', { worktree: 'skip', clock: fixedClock });
      await unlink(join(root, TASK));
      const context = await readContext(ws, 'TASK-0042');
      expect(await taskFileDrift(ws, context)).toMatchObject({
        task_file: null,
        task_file_changed: true,
        current_sha256: null,
      });
    });
  });

  it('a task file that is no longer UTF-8 is changed, and its diff reports E_FILE_ENCODING', async () => {
    await withTemp(async (root) => {
      const ws = await repo(root);
      await initContext(ws, 'TASK-0042', { worktree: 'skip', clock: fixedClock });
      const bytes = Buffer.from(completeTask('TASK-0042').replace('title: t', 'title: t~'));
      bytes[bytes.indexOf('~')] = 0xff;
      await writeFile(join(root, TASK), bytes);
      const diff = await diffContext(ws, 'TASK-0042');
      expect(diff.task_file_changed).toBe(true);
      expect(diff.errors).toEqual([
        expect.objectContaining({ code: 'E_FILE_ENCODING', file: TASK, line: 3, column: 9 }),
      ]);
    });
  });
});

describe('standards verify says "fresh" only when it compared the bytes', () => {
  const STANDARD = (marker: Buffer) =>
    Buffer.concat([Buffer.from('# G\n\n## Rules\n\nbe nice '), marker, Buffer.from('\n\n## Other\n\nx\n')]);

  it('a section whose bytes are no longer UTF-8 is E_FILE_ENCODING at its line, not fresh', async () => {
    await withTemp(async (root) => {
      await mkdir(join(root, 'standards'));
      // U+FFFD written as UTF-8, then replaced by a byte that is not UTF-8: a lossy read saw no change.
      await writeFile(join(root, 'standards/g.md'), STANDARD(Buffer.from('\uFFFD')));
      const ctxDir = join(root, 'ctx');
      const e = await cacheExcerpt({ root, contextDir: ctxDir, file: 'standards/g.md', section: 'Rules' });
      expect((await checkExcerpts(root, ctxDir, [e]))[0]!.status).toBe('fresh');
      await writeFile(join(root, 'standards/g.md'), STANDARD(Buffer.from([0xff])));
      await expect(checkExcerpts(root, ctxDir, [e])).rejects.toMatchObject({
        code: 'E_FILE_ENCODING',
        file: 'standards/g.md',
        line: 5,
        column: 9,
      });
      await expect(
        cacheExcerpt({ root, contextDir: ctxDir, file: 'standards/g.md', section: 'Rules' }),
      ).rejects.toMatchObject({ code: 'E_FILE_ENCODING', file: 'standards/g.md', line: 5, column: 9 });
    });
  });

  it('a cached excerpt that lost its final newline (or any byte) is cache_changed', async () => {
    await withTemp(async (root) => {
      await mkdir(join(root, 'standards'));
      await writeFile(join(root, 'standards/g.md'), STANDARD(Buffer.from('ok')));
      const ctxDir = join(root, 'ctx');
      const e = await cacheExcerpt({ root, contextDir: ctxDir, file: 'standards/g.md', section: 'Rules' });
      const cached = join(ctxDir, e.cached);
      expect(await readFile(cached, 'utf8')).toBe('be nice ok\n');
      await writeFile(cached, 'be nice ok');
      expect((await checkExcerpts(root, ctxDir, [e]))[0]!.status).toBe('cache_changed');
      await writeFile(cached, Buffer.from([...Buffer.from('be nice o'), 0xff, 0x0a]));
      expect((await checkExcerpts(root, ctxDir, [e]))[0]!.status).toBe('cache_changed');
      await writeFile(cached, 'be nice ok\n');
      expect((await checkExcerpts(root, ctxDir, [e]))[0]!.status).toBe('fresh');
    });
  });
});

describe('a task file that is not UTF-8 is not valid', () => {
  /** The text with the byte `0xff` in place of the first `marker` character. */
  const withBadByte = (text: string, marker: string): Buffer => {
    const bytes = Buffer.from(text);
    bytes[bytes.indexOf(marker)] = 0xff;
    return bytes;
  };

  it('validateTaskFile fails with E_FILE_ENCODING at its line and column', async () => {
    await withTemp(async (root) => {
      const file = join(root, 'TASK-0042-x.task.yaml');
      await writeFile(file, withBadByte(completeTask('TASK-0042').replace('description: d', 'description: d~'), '~'));
      const verdict = await validateTaskFile(file, 'TASK-0042-x.task.yaml');
      expect(verdict.ok).toBe(false);
      expect(verdict.errors).toEqual([
        expect.objectContaining({ code: 'E_FILE_ENCODING', file: 'TASK-0042-x.task.yaml', line: 7, column: 15 }),
      ]);
    });
  });

  it('quarantine repair does not rewrite a lossy copy; release does not accept it', async () => {
    await withTemp(async (root) => {
      await mkdir(join(root, 'tasks'));
      const q = { root, dir: join(root, 'q'), clock: fixedClock };
      // Tab-indented (a fault repair fixes) and a byte that is not UTF-8 in a comment.
      const broken = 'tasks/TASK-0300-x.task.yaml';
      const brokenBytes = withBadByte('id: TASK-0300\nlist:\n\t- a\n# note ~\n', '~');
      await writeFile(join(root, broken), brokenBytes);
      await quarantineTask(q, 'TASK-0300', broken, { code: 'E_PARSE', severity: 'error', message: 'tab', line: 3 });
      await expect(repairQuarantined(q, 'TASK-0300')).rejects.toMatchObject({
        code: 'E_FILE_ENCODING',
        file: broken,
        line: 4,
        column: 8,
      });
      expect(await readFile(join(root, broken))).toEqual(brokenBytes);
      // A file that parses once decoded lossily is still not released.
      const parses = 'tasks/TASK-0301-x.task.yaml';
      await writeFile(join(root, parses), withBadByte('id: TASK-0301\ntitle: t~\n', '~'));
      await quarantineTask(q, 'TASK-0301', parses, { code: 'E_PARSE', severity: 'error', message: 'x', line: 1 });
      await expect(releaseQuarantined(q, 'TASK-0301')).rejects.toMatchObject({
        code: 'E_TASK_QUARANTINED',
        file: parses,
        line: 2,
        column: 9,
      });
    });
  });
});
