import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { barChart, lineChart, renderDashboard } from '../src/index.js';
import { sampleDashboard } from './dashboard-fixture.js';

describe('renderDashboard', () => {
  it('renders every panel as one self-contained page', () => {
    const html = renderDashboard(sampleDashboard());
    for (const id of ['criteria', 'trend', 'gates', 'atomizer', 'executor'])
      expect(html).toContain(`<section id="${id}">`);
    expect(html).not.toMatch(/<script|https?:\/\/|<link /);
    expect(html).toContain('TASK-0102 &lt;b&gt;');
    expect(html).toContain('ruff &lt;fmt&gt;');
    expect((html.match(/<svg /g) ?? []).length).toBe(4);
    expect(html).toContain('5 MB/s');
  });

  it('says so when there is nothing to chart', () => {
    expect(barChart([], { title: 'x' })).toContain('No data recorded yet');
    expect(lineChart([], { title: 'x' })).toContain('No data recorded yet');
  });

  it('never throws and never emits raw markup from data (property)', () => {
    const label = fc.string().map((s) => `<evil x="${s}">${s}`);
    fc.assert(
      fc.property(
        fc.array(fc.record({ label, value: fc.double({ min: 0, max: 1e12, noNaN: true }) }), { maxLength: 20 }),
        (bars) => {
          const svg = barChart(bars, { title: '<t>' });
          expect(svg).not.toContain('<t>');
          expect(svg).not.toContain('<evil');
        },
      ),
    );
  });
});
