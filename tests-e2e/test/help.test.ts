import { describe, expect, it } from 'vitest';
import { runSt3 } from '../src/run-cli.js';

describe('st3 entry', () => {
  it('prints its version', async () => {
    const r = await runSt3(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('lists commands with --help and exits 0', async () => {
    const r = await runSt3(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('validate');
  });

  it('rejects an unknown command with exit 2 and a JSON error under --json', async () => {
    const r = await runSt3(['nope', '--json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: { code: 'E_USAGE' } });
  });
});
