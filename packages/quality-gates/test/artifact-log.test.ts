import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProcessResult } from '@st3/process';
import { ARTIFACT_LOG_NAME, artifactLogName, rotateArtifactLogs, writeArtifactLog } from '../src/run/artifact-log.js';
import { tempDir } from './helpers.js';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});
function folder(): string {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return t.dir;
}

const run = { exitCode: 0, durationMs: 5, stdout: 'out', stderr: '' } as unknown as ProcessResult;

/**
 * The application's own logs, as real log folders hold them (the seed points output_dir at
 * `mcp_server/logs/qa_logs`): dated, rotated, same extension, and names one step away from ST3's.
 */
const USER_LOGS = [
  '2024-05-01.log',
  '2024-05-02.log',
  'server.log',
  'app.log',
  'error.log',
  'access.log.1',
  '.log',
  '0.log',
  'app-2024-05-01.log',
  '2024-05-01-app.log',
  '2024-05-01T12-00-00.log',
  '2024-05-01T12-00-00Z-app.log', // no milliseconds
  '2024-05-01T12-00-00-000Z.log', // no gate id
  '2024-05-01T12-00-00-000Z-.log', // empty gate id
  '2024-05-01T12-00-00-000-app.log', // no Z
  '2024-05-01T12:00:00.000Z-app.log', // real ISO time
  '2024-05-01 12-00-00-000Z-app.log',
  '2024-05-01T12-00-00-000Z-app.log.gz',
  '2024-05-01T12-00-00-000Z-app.LOG',
  '2024-05-01T12-00-00-000Z-app log.log',
  'x2024-05-01T12-00-00-000Z-app.log',
  '+012024-05-01T12-00-00-000Z-app.log',
  '1999-01-01T00-00-00-000Z-app.txt',
];

describe('artifact log names', () => {
  it('every name the writer produces matches the rotation pattern (property), and sorts by time', async () => {
    const fc = (await import('fast-check')).default;
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('0000-01-01T00:00:00.000Z'),
          max: new Date('9999-12-31T23:59:59.999Z'),
          noInvalidDate: true,
        }),
        fc.string({ maxLength: 30 }),
        fc.nat(1000),
        (now, id, chunk) => {
          expect(artifactLogName(now, id, chunk)).toMatch(ARTIFACT_LOG_NAME);
        },
      ),
    );
    const a = artifactLogName(new Date('2024-05-01T09:59:59.999Z'), 'zz', 0);
    const b = artifactLogName(new Date('2024-05-01T10:00:00.000Z'), 'aa', 0);
    expect(a < b).toBe(true);
    expect(artifactLogName(new Date('2024-05-01T10:00:00.000Z'), 'mypy/strict', 2)).toBe(
      '2024-05-01T10-00-00-000Z-mypy_strict-2.log',
    );
  });

  it('no user log name matches the pattern', () => {
    for (const name of USER_LOGS) expect(name, name).not.toMatch(ARTIFACT_LOG_NAME);
  });
});

describe('rotateArtifactLogs', () => {
  it("keeps every user log over any number of runs and rotates ST3's own down to max_files", async () => {
    const dir = folder();
    const logs = join(dir, 'logs');
    mkdirSync(logs);
    for (const name of USER_LOGS) writeFileSync(join(logs, name), `user ${name}\n`);
    // A user file named exactly like ST3's, but not written by it (no ST3 header): kept too.
    writeFileSync(join(logs, '2000-01-01T00-00-00-000Z-app.log'), 'app started\n');
    // Not regular files, named like ST3's logs: never touched.
    mkdirSync(join(logs, '2000-01-01T00-00-00-001Z-dir.log'));
    symlinkSync(join(dir, 'elsewhere'), join(logs, '2000-01-01T00-00-00-002Z-link.log'));
    const user = readdirSync(logs).sort();

    const written: string[] = [];
    let t = Date.parse('2024-05-01T00:00:00.000Z');
    for (let i = 0; i < 12; i++) {
      for (const gate of ['lint', 'types']) {
        const path = await writeArtifactLog(
          dir,
          { dir: 'logs', maxFiles: 3 },
          gate,
          ['x'],
          run,
          0,
          new Date((t += 1000)),
        );
        written.push(path.slice(logs.length + 1));
      }
      await rotateArtifactLogs(dir, { dir: 'logs', maxFiles: 3 });
      const now = readdirSync(logs).sort();
      for (const name of user) expect(now, name).toContain(name);
      expect(now.filter((n) => !user.includes(n))).toEqual(written.slice(-Math.min(3, written.length)).sort());
    }
    for (const name of USER_LOGS) expect(readFileSync(join(logs, name), 'utf8')).toBe(`user ${name}\n`);
    expect(readFileSync(join(logs, '2000-01-01T00-00-00-000Z-app.log'), 'utf8')).toBe('app started\n');
  });

  it('returns how many it deleted; a missing folder is nothing to do', async () => {
    const dir = folder();
    for (let i = 0; i < 5; i++)
      await writeArtifactLog(dir, { dir }, 'g', ['x'], run, i, new Date(Date.UTC(2024, 0, 1, 0, 0, i)));
    writeFileSync(join(dir, 'server.log'), 's');
    expect(await rotateArtifactLogs(dir, { dir, maxFiles: 2 })).toBe(3);
    expect(readdirSync(dir).sort()).toEqual([
      '2024-01-01T00-00-03-000Z-g-3.log',
      '2024-01-01T00-00-04-000Z-g-4.log',
      'server.log',
    ]);
    expect(await rotateArtifactLogs(dir, { dir: 'nope', maxFiles: 1 })).toBe(0);
  });
});
