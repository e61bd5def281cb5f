/// <reference lib="dom" />
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { chromiumLaunchOptions, haveChromium } from '@st3/tooling/browser';
import { renderDashboard } from '../src/index.js';
import { sampleDashboard } from './dashboard-fixture.js';

describe.skipIf(!haveChromium)('dashboard in a real browser', () => {
  it('is served from 127.0.0.1, draws its charts, opens on click, and stays local and quiet', async () => {
    const html = renderDashboard(sampleDashboard());
    const server = createServer((req, res) => {
      if (req.url === '/' || req.url === '/index.html') res.writeHead(200, { 'content-type': 'text/html' }).end(html);
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const { chromium: launcher } = await import('playwright-core');
    const browser = await launcher.launch(chromiumLaunchOptions());
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const problems: string[] = [];
      const requests: string[] = [];
      page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
      page.on('pageerror', (e) => problems.push(e.message));
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(url);
      expect(await page.locator('#verdict').textContent()).toBe('Pilot: FAIL');
      const charts = await page.$$eval('svg.chart', (svgs) =>
        svgs.map((s) => {
          const box = s.getBoundingClientRect();
          return { w: box.width, h: box.height, marks: s.querySelectorAll('rect, path, circle').length };
        }),
      );
      expect(charts).toHaveLength(4);
      for (const c of charts) {
        expect(c.w).toBeGreaterThan(100);
        expect(c.h).toBeGreaterThan(40);
        expect(c.marks).toBeGreaterThan(0);
      }
      // Four runs 10:00:00, :02, :03, :05 on a time axis: every dot of a series at its own place.
      const xs = await page.$$eval('#trend .series-0 circle', (cs) => cs.map((c) => Number(c.getAttribute('cx'))));
      expect(xs).toHaveLength(4);
      expect(new Set(xs.map((x) => Math.round(x))).size).toBe(4);
      expect(xs[3]! - xs[0]!).toBeGreaterThan(400);

      // Click a criterion: its units (per agent) become visible.
      const units = page.locator('#details-file_reads_per_agent table.units');
      expect(await units.isVisible()).toBe(false);
      await page.click('#details-file_reads_per_agent summary');
      expect(await units.isVisible()).toBe(true);
      expect(await units.textContent()).toContain('TASK-0102 <b>/x');
      // Click a task: its agents table opens.
      await page.click('#criteria details.task summary');
      expect(await page.locator('#criteria details.task table').first().isVisible()).toBe(true);
      // Click a legend entry: its series is hidden, clicking again shows it.
      const series = page.locator('#trend .series-0');
      expect(await series.isVisible()).toBe(true);
      await page.click('label:has(#show-0)');
      expect(await series.isVisible()).toBe(false);
      await page.click('label:has(#show-0)');
      expect(await series.isVisible()).toBe(true);

      expect(await page.locator('#pilot td.met').count()).toBeGreaterThan(0);
      expect(await page.locator('#pilot td.missed').count()).toBeGreaterThan(0);
      const shot = await page.screenshot({ fullPage: true });
      expect(shot.byteLength).toBeGreaterThan(20_000); // a blank page compresses to almost nothing
      expect(problems).toEqual([]);
      expect(requests.length).toBeGreaterThan(0);
      expect(requests.filter((r) => !r.startsWith('http://127.0.0.1:'))).toEqual([]);
    } finally {
      await browser.close();
      await new Promise((r) => server.close(r));
    }
  }, 60_000);
});
