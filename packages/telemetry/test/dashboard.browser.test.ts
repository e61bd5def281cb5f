/// <reference lib="dom" />
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderDashboard } from '../src/index.js';
import { sampleDashboard } from './dashboard-fixture.js';

const chromium = '/usr/bin/chromium';

// Runs whenever Debian's Chromium is installed (.ci/run installs it); never downloads a browser.
describe.skipIf(!existsSync(chromium))('dashboard in a real browser', () => {
  it('loads from a file, draws its charts and logs no console errors', async () => {
    const { chromium: launcher } = await import('playwright-core');
    const dir = await mkdtemp(join(tmpdir(), 'st3-dash-'));
    const file = join(dir, 'index.html');
    await writeFile(file, renderDashboard(sampleDashboard()));
    const browser = await launcher.launch({
      executablePath: chromium,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const problems: string[] = [];
      page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
      page.on('pageerror', (e) => problems.push(e.message));
      page.on('request', (r) => !r.url().startsWith('file:') && problems.push(`network request: ${r.url()}`));
      await page.goto(pathToFileURL(file).href);
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
      expect(await page.locator('#criteria td.met').count()).toBeGreaterThan(0);
      const shot = await page.screenshot({ fullPage: true });
      // A blank page compresses to almost nothing; a drawn one does not.
      expect(shot.byteLength).toBeGreaterThan(20_000);
      const distinctColours = await page.evaluate(
        () =>
          new Set([...document.querySelectorAll('svg.chart rect, svg.chart circle')].map((e) => e.getAttribute('fill')))
            .size,
      );
      expect(distinctColours).toBeGreaterThan(2);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
