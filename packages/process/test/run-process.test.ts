import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runProcess, stopAllRuns } from '../src/index.js';
import { processAlive as alive } from '@st3/fs';

const node = process.execPath;
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('runProcess', () => {
  it('runs argv without a shell and collects output and exit code', async () => {
    const r = await runProcess({
      argv: [
        node,
        '-e',
        'process.stdout.write(process.argv[1]); process.stderr.write("err"); process.exit(3)',
        '$(echo hi) *; rm -rf /',
      ],
    });
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toBe('$(echo hi) *; rm -rf /');
    expect(r.stderr).toBe('err');
    expect(r.error).toBeUndefined();
    expect(r.timedOut).toBe(false);
    expect(r.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('passes input on stdin, cwd and env', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'st3-rp-'));
    dirs.push(dir);
    const r = await runProcess({
      argv: [
        node,
        '-e',
        'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.stringify({s,cwd:process.cwd(),v:process.env.ST3_X})))',
      ],
      cwd: dir,
      env: { ST3_X: 'yes', PATH: '' },
      input: 'a.py\nb.py\n',
    });
    expect(JSON.parse(r.stdout)).toEqual({ s: 'a.py\nb.py\n', cwd: dir, v: 'yes' });
  });

  it('reports a missing program as E_TOOL_NOT_FOUND', async () => {
    const r = await runProcess({ argv: ['st3-no-such-tool-xyz', '--version'] });
    expect(r.error?.code).toBe('E_TOOL_NOT_FOUND');
    expect(r.error?.message).toContain('st3-no-such-tool-xyz');
    expect(r.exitCode).toBeNull();
  });

  it('reports a missing working folder as E_FILE_NOT_FOUND, not a missing tool', async () => {
    const r = await runProcess({ argv: [node, '-v'], cwd: join(tmpdir(), 'st3-no-such-dir-xyz') });
    expect(r.error?.code).toBe('E_FILE_NOT_FOUND');
  });

  it('caps output and counts what was dropped', async () => {
    const r = await runProcess({
      argv: [node, '-e', 'process.stdout.write("x".repeat(100000))'],
      maxOutputBytes: 1000,
    });
    expect(r.stdout.length).toBe(1000);
    expect(r.truncated).toBe(true);
    expect(r.stdoutTruncated).toBe(true);
    expect(r.stderrTruncated).toBe(false);
    expect(r.stdoutBytes).toBe(100000);
    expect(r.exitCode).toBe(0);
  });

  it('kills the whole process tree on timeout', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'st3-rp-'));
    dirs.push(dir);
    const pidFile = join(dir, 'grandchild.pid');
    // The child starts a grandchild that would live for a minute, records its pid, then waits too.
    const script = `const {spawn}=require('child_process');const fs=require('fs');const g=spawn(process.execPath,['-e','setTimeout(()=>{},60000)'],{stdio:'ignore'});fs.writeFileSync(${JSON.stringify(pidFile)},String(g.pid));setTimeout(()=>{},60000)`;
    const r = await runProcess({ argv: [node, '-e', script], timeoutMs: 3000, killGraceMs: 200 });
    expect(r.timedOut).toBe(true);
    expect(r.error?.code).toBe('E_TIMEOUT');
    const grandchild = Number(await readFile(pidFile, 'utf8'));
    expect(grandchild).toBeGreaterThan(0);
    // The group was signalled; give the kernel a moment to reap.
    for (let i = 0; i < 50 && alive(grandchild); i++) await new Promise((res) => setTimeout(res, 20));
    expect(alive(grandchild)).toBe(false);
  });

  it('stops on abort and says so', async () => {
    const controller = new AbortController();
    const promise = runProcess({
      argv: [node, '-e', 'setTimeout(()=>{},60000)'],
      signal: controller.signal,
      killGraceMs: 200,
    });
    setTimeout(() => controller.abort(), 100);
    const r = await promise;
    expect(r.aborted).toBe(true);
    expect(r.error?.code).toBe('E_INTERRUPTED');
  });

  it('stopAllRuns ends every run in progress at once (for an entry point exiting on a second Ctrl-C)', async () => {
    const runs = [1, 2].map(() => runProcess({ argv: [node, '-e', 'setInterval(() => {}, 1000)'] }));
    await new Promise((r) => setTimeout(r, 300));
    expect(stopAllRuns()).toBe(2);
    const results = await Promise.all(runs);
    expect(results.map((r) => r.signal)).toEqual(['SIGKILL', 'SIGKILL']);
    expect(stopAllRuns()).toBe(0);
  });

  it('returns at once for an already aborted signal', async () => {
    const r = await runProcess({ argv: [node, '-v'], signal: AbortSignal.abort() });
    expect(r.aborted).toBe(true);
    expect(r.error?.code).toBe('E_INTERRUPTED');
  });

  it('does not fail when the child ignores a large stdin', async () => {
    const r = await runProcess({ argv: [node, '-e', 'process.exit(0)'], input: 'x'.repeat(4 * 1024 * 1024) });
    expect(r.exitCode).toBe(0);
    expect(r.error).toBeUndefined();
  });
});
