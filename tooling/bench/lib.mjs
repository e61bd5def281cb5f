// Shared timing for benchmark scripts: whole processes, checked. A run that exits with an unexpected status
// throws instead of becoming a figure (a crashed command is fast, and a figure from it is a false one).
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';

/**
 * Runs `argv` `runs` times under /usr/bin/time and returns the best and median wall time (s) and the CPU time
 * (user + system, s) of the best run. `expectedStatus` is the exit status every run must have (default 0).
 */
export function timeCommand(argv, { runs = 5, expectedStatus = 0, cwd, env } = {}) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S', ...argv], {
      encoding: 'utf8',
      maxBuffer: 1 << 28,
      cwd,
      env,
    });
    if (r.status !== expectedStatus)
      throw new Error(`${argv.join(' ')} exited ${r.status}, expected ${expectedStatus}:\n${r.stderr.slice(-2000)}`);
    const [wall, user, sys] = r.stderr.trim().split('\n').at(-1).split(' ').map(Number);
    samples.push({ wall, cpu: user + sys });
  }
  const byWall = [...samples].sort((a, b) => a.wall - b.wall);
  return { best: byWall[0].wall, median: byWall[Math.floor(byWall.length / 2)].wall, cpu: byWall[0].cpu, runs };
}

/** "load average 1.2 / 0.9 / 0.7": benchmarks say under what load they were taken. */
export function loadLine() {
  return `load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ')}`;
}
