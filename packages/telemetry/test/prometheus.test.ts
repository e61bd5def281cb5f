import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { serveMetrics, toPrometheusText } from '../src/index.js';
import { fakeCollector } from './helpers.js';

function record() {
  const c = fakeCollector('coder');
  c.fileRead('a', 10);
  c.command(['tsc'], 2, 50);
  c.count('gates.violations', 4, { gate: 'eslint' });
  c.observe('gates.duration_ms', 30, { gate: 'eslint' });
  return c.snapshot();
}

describe('Prometheus exposition', () => {
  it('exposes counters and pre-bucketed histograms in the text format', async () => {
    const text = await toPrometheusText([record()]);
    expect(text).toContain('# TYPE st3_file_reads_total counter');
    expect(text).toContain('st3_file_reads_total{agent="coder",task="TASK-1"} 1');
    expect(text).toContain('st3_commands_total{agent="coder",task="TASK-1",outcome="failed"} 1');
    expect(text).toContain('st3_gates_violations_total{gate="eslint",agent="coder",task="TASK-1"} 4');
    expect(text).toContain('# TYPE st3_gates_duration_ms histogram');
    expect(text).toMatch(/st3_gates_duration_ms_bucket\{.*le="50".*\} 1/);
    expect(text).toMatch(/st3_gates_duration_ms_bucket\{.*le="\+Inf".*\} 1/);
    expect(text).toMatch(/st3_gates_duration_ms_sum\{.*\} 30/);
  });

  it('turns any counter name into a valid metric name (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1 }), fc.string(), async (name, label) => {
        const c = fakeCollector('p');
        c.count(name, 1, { [label || 'k']: 'v' });
        const text = await toPrometheusText([c.snapshot()]);
        for (const line of text.split('\n').filter((l) => l && !l.startsWith('#')))
          expect(line).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})? -?[0-9.e+-]+$/);
      }),
      { numRuns: 50 },
    );
  });

  it('serves /metrics on loopback and 404s elsewhere', async () => {
    const served = await serveMetrics({ port: 0, load: async () => [record()] });
    try {
      expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      const res = await fetch(served.url);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/plain');
      expect(await res.text()).toContain('st3_file_reads_total');
      expect((await fetch(served.url.replace('/metrics', '/other'))).status).toBe(404);
    } finally {
      await served.close();
    }
  });
});

// What an audit reproduced through `st3 metrics serve`: one agent counted gates.runs{gate} and another
// gates.runs{gate,status}; the scrape answered HTTP 500 (no series at all). And a record's own counter
// named file_reads was added into the built-in st3_file_reads_total (1 read served as 4).
describe('Prometheus exposition of records that disagree', () => {
  it('one counter recorded with different labels is one family with the union of the labels', async () => {
    const a = fakeCollector('coder');
    a.count('gates.runs', 1, { gate: 'ruff' });
    const b = fakeCollector('reviewer');
    b.count('gates.runs', 2, { gate: 'ruff', status: 'pass' });
    const text = await toPrometheusText([a.snapshot(), b.snapshot()]);
    expect(text).toContain('st3_gates_runs_total{gate="ruff",status="",agent="coder",task="TASK-1"} 1');
    expect(text).toContain('st3_gates_runs_total{gate="ruff",status="pass",agent="reviewer",task="TASK-1"} 2');
  });

  it("a record's own counter named like a built-in series is served apart, not added into it", async () => {
    const c = fakeCollector('coder');
    c.fileRead('a', 10);
    c.count('file_reads', 3);
    const text = await toPrometheusText([c.snapshot()]);
    expect(text).toContain('st3_file_reads_total{agent="coder",task="TASK-1"} 1');
    expect(text).toContain('st3_custom_file_reads_total{agent="coder",task="TASK-1"} 3');
  });
});
