import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { runProcess } from '../src/index.js';
import { processAlive as alive } from '@st3/fs';

/**
 * The runner's fault harness (issue 20.2): process trees that fork, double-fork, call setsid,
 * ignore SIGTERM and hold stdout. For each, runProcess must return within
 * timeout + killGrace + pipeGrace (+ slack for a loaded 2-core machine), and afterwards no process
 * of the tree may be running. Survivors are found two ways: the pid files each process writes, and
 * a marker variable in every process's environment (so one that never wrote its pid is still seen).
 */
const TIMEOUT = 400;
const KILL_GRACE = 300;
const PIPE_GRACE = 300;
const SLACK = 2500;
const linux = process.platform === 'linux';

/**
 * A tree as a POSIX shell script (sh starts in milliseconds, so the whole tree is up well before the
 * timeout): each process records its pid, optionally ignores SIGTERM (inherited by what it execs),
 * starts its children in the background — through `setsid`, with or without the run's stdout —
 * then exits at once or execs a long sleep.
 */
function script(spec: Spec, dir: string, id = 'root'): string {
  const q = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;
  const lines = [`touch ${q(dir)}/$$`];
  if (spec.ignoreTerm) lines.push(`trap '' TERM`);
  const children = spec.children ?? [];
  children.forEach((c, i) =>
    lines.push(
      `${c.setsid ? 'setsid ' : ''}sh -c ${q(script(c, dir, `${id}.${i}`))}${c.holdStdout ? '' : ' </dev/null >/dev/null 2>&1'} &`,
    ),
  );
  // A parent that exits early first waits until its children are up (their own setsid done), so the
  // tree under test really exists; the runner may then find it only by its environment tag.
  if (spec.exitEarly)
    children.forEach((_, i) =>
      lines.push(`n=0; while [ ! -e ${q(dir)}/ready.${id}.${i} ] && [ $n -lt 500 ]; do sleep 0.01; n=$((n+1)); done`),
    );
  if (id !== 'root') lines.push(`touch ${q(dir)}/ready.${id}`);
  lines.push('echo started $$');
  lines.push(spec.exitEarly ? 'exit 0' : 'exec sleep 60');
  return lines.join('\n');
}

interface Spec {
  setsid?: boolean;
  ignoreTerm?: boolean;
  holdStdout?: boolean;
  exitEarly?: boolean;
  children?: Spec[];
}

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

function marked(marker: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/environ`).includes(`ST3_TEST_MARK=${marker}\0`) && alive(Number(name)))
        out.push(Number(name));
    } catch {
      // gone, or not ours
    }
  }
  return out;
}

async function runTree(spec: Spec, options: { timeoutMs?: number } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'st3-runaway-'));
  dirs.push(dir);
  const marker = `${process.pid}-${Math.random().toString(36).slice(2)}`;
  const started = Date.now();
  const result = await runProcess({
    argv: ['sh', '-c', script(spec, dir)],
    env: { ...process.env, ST3_TEST_MARK: marker },
    timeoutMs: options.timeoutMs ?? TIMEOUT,
    killGraceMs: KILL_GRACE,
    pipeGraceMs: PIPE_GRACE,
  });
  const elapsed = Date.now() - started;
  // Late forks would show up now; give the kernel a moment to reap what was killed.
  let survivors: number[] = [];
  for (let i = 0; i < 20; i++) {
    await new Promise((r) => setTimeout(r, 50));
    const pids = readdirSync(dir)
      .filter((n) => /^\d+$/.test(n))
      .map(Number);
    survivors = [...new Set([...pids.filter(alive), ...marked(marker)])];
    if (survivors.length === 0 && i >= 4) break;
  }
  for (const pid of survivors) process.kill(pid, 'SIGKILL'); // leave nothing behind even when failing
  return {
    result,
    elapsed,
    survivors,
    started: readdirSync(dir).filter((n) => /^\d+$/.test(n)).length,
    size: size(spec),
  };
}

const size = (s: Spec): number => 1 + (s.children ?? []).reduce((n, c) => n + size(c), 0);
const bound = (timeoutMs = TIMEOUT) => timeoutMs + KILL_GRACE + PIPE_GRACE + SLACK;

describe.skipIf(!linux)('runProcess ends every descendant (runaway children)', () => {
  it.each<[string, Spec]>([
    ['a child that ignores SIGTERM', { ignoreTerm: true }],
    ['a forked grandchild holding stdout', { children: [{ holdStdout: true }] }],
    [
      'a double fork: the middle exits, the grandchild holds stdout',
      { children: [{ exitEarly: true, children: [{ holdStdout: true }] }] },
    ],
    [
      'a setsid grandchild holding stdout and ignoring SIGTERM',
      { children: [{ setsid: true, holdStdout: true, ignoreTerm: true }] },
    ],
    ['a redirected setsid daemon (stdio to /dev/null)', { children: [{ setsid: true, ignoreTerm: true }] }],
    [
      'a setsid double fork whose middle exits',
      {
        children: [{ setsid: true, exitEarly: true, children: [{ setsid: true, holdStdout: true, ignoreTerm: true }] }],
      },
    ],
  ])('times out %s: returns in time, nothing survives', async (_name, spec) => {
    const { result, elapsed, survivors, started, size } = await runTree({ ...spec });
    expect(started, 'the whole tree was up before the timeout').toBe(size);
    expect(result.timedOut).toBe(true);
    expect(result.error?.code).toBe('E_TIMEOUT');
    expect(elapsed).toBeLessThan(bound());
    expect(survivors).toEqual([]);
  });

  it('a child that exits at once while a setsid grandchild holds stdout: returns, and the grandchild is ended', async () => {
    const { result, elapsed, survivors, started } = await runTree(
      { exitEarly: true, children: [{ setsid: true, holdStdout: true, ignoreTerm: true }] },
      { timeoutMs: 20_000 },
    );
    expect(started).toBe(2);
    expect(result.timedOut).toBe(false);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('started');
    expect(elapsed).toBeLessThan(PIPE_GRACE + SLACK + 1000);
    expect(survivors).toEqual([]);
  });

  it('property: any tree of forks, setsids, SIGTERM-proof and stdout-holding processes ends within the bound', async () => {
    const node: fc.Arbitrary<Spec> = fc
      .letrec<{ node: Spec }>((tie) => ({
        node: fc.record(
          {
            setsid: fc.boolean(),
            ignoreTerm: fc.boolean(),
            holdStdout: fc.boolean(),
            exitEarly: fc.boolean(),
            children: fc.array(tie('node'), { maxLength: 2, depthIdentifier: 'tree' }),
          },
          { requiredKeys: [] },
        ),
      }))
      .node.filter((s) => size(s) <= 6);
    await fc.assert(
      fc.asyncProperty(node, async (spec) => {
        const { elapsed, survivors, started, size } = await runTree({ ...spec, exitEarly: false });
        expect(started).toBe(size);
        expect(elapsed).toBeLessThan(bound());
        expect(survivors).toEqual([]);
      }),
      { numRuns: 15, endOnFailure: true },
    );
  }, 120_000);
});
