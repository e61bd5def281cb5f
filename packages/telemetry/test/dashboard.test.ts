import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { barChart, renderDashboard, timeChart } from '../src/index.js';
import { sampleDashboard } from './dashboard-fixture.js';

describe('renderDashboard', () => {
  it('renders every panel as one self-contained page', () => {
    const data = sampleDashboard();
    const html = renderDashboard(data);
    for (const id of ['pilot', 'criteria', 'trend', 'gates', 'atomizer', 'executor'])
      expect(html).toContain(`<section id="${id}">`);
    expect(html).not.toMatch(/<script|https?:\/\/|<link (?!rel="icon" href="data:,">)/);
    expect(html).toContain('TASK-0102 &lt;b&gt;');
    expect(html).toContain('ruff &lt;fmt&gt;');
    expect((html.match(/<svg /g) ?? []).length).toBe(4);
    expect(html).toContain('5 MB/s');
  });

  it('shows targets, baseline against current, and the verdict', () => {
    const data = sampleDashboard();
    expect(data.pilot.verdict).toBe('fail');
    const html = renderDashboard(data);
    expect(html).toContain('Pilot: FAIL');
    expect(html).toContain('≥ 80% of agents read ≤ 5 files');
    expect(html).toContain('average saving across tasks ≥ 15%');
    expect(html).toContain('pilot-baseline.json');
    // Baseline: 22 reads by one agent (0% of agents within 5); now 1 of 2 agents → 50%.
    const row = html.slice(
      html.indexOf('<tr id="row-file_reads_per_agent">'),
      html.indexOf('</tr>', html.indexOf('<tr id="row-file_reads_per_agent">')),
    );
    expect(row).toContain('0% of agents · 22 reads per agent');
    expect(row).toContain('50% of agents · 5 reads per agent');
    expect(row).toContain('-17 reads per agent');
  });

  it('places runs seconds apart at their own times', () => {
    const svg = timeChart(
      [{ name: 's', points: [0, 2000, 3000, 60_000].map((t, i) => ({ t: Date.UTC(2026, 0, 1, 10) + t, y: i / 4 })) }],
      { title: 't', yMax: 1, width: 640 },
    );
    const xs = [...svg.matchAll(/<circle cx="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(xs).toHaveLength(4);
    // Proportional to time: 2 s and 3 s out of 60 s.
    const span = xs[3]! - xs[0]!;
    expect((xs[1]! - xs[0]!) / span).toBeCloseTo(2 / 60, 2);
    expect((xs[2]! - xs[0]!) / span).toBeCloseTo(3 / 60, 2);
    expect(svg).toContain('>10:00:00<');
    expect(svg).toContain('>10:01:00<');
  });

  it('charts a trend of 200,000 runs (no spread of the points into Math.min/max: the call stack would overflow)', () => {
    const points = Array.from({ length: 200_000 }, (_, i) => ({ t: Date.UTC(2026, 0, 1) + i * 1000, y: i % 7 }));
    const svg = timeChart([{ name: 's', points }], { title: 't' });
    expect(svg).toContain('<svg');
    const bars = Array.from({ length: 200_000 }, (_, i) => ({ label: `b${i}`, value: i }));
    expect(barChart(bars, { title: 'b' })).toContain('<svg');
  });

  it('says so when there is nothing to chart', () => {
    expect(barChart([], { title: 'x' })).toContain('No data recorded yet');
    expect(timeChart([], { title: 'x' })).toContain('No data recorded yet');
  });

  it('never throws and never emits raw markup from data (property)', () => {
    const label = fc.string().map((s) => `<evil x="${s}">${s}`);
    fc.assert(
      fc.property(
        fc.array(fc.record({ label, value: fc.double({ min: 0, max: 1e12, noNaN: true }) }), { maxLength: 20 }),
        fc.array(
          fc.record({ t: fc.integer({ min: 0, max: 4e12 }), y: fc.option(fc.double({ min: 0, max: 1, noNaN: true })) }),
          { maxLength: 20 },
        ),
        label,
        (bars, points, name) => {
          const svg = barChart(bars, { title: '<t>' }) + timeChart([{ name, points }], { title: '<t>' });
          expect(svg).not.toContain('<t>');
          expect(svg).not.toContain('<evil');
          expect(svg).not.toContain('NaN');
        },
      ),
    );
  });
});
