import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { cacheExcerpt, checkExcerpts, citedSections, extractSection, listHeadings, slugify } from '../src/index.js';
import { fixedClock, realWorld, withTemp } from './helpers.js';
import { describeWithFixtures } from '@st3/tooling/fixtures';

const dir = join(realWorld, 'standards');

describeWithFixtures('standards excerpts on the real standards', () => {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.md'))
    .sort();

  it('extracts every level 2-6 heading of every file, by text and by anchor', () => {
    let count = 0;
    for (const f of files) {
      const text = readFileSync(join(dir, f), 'utf8');
      const lines = text.split(/\r?\n/);
      const headings = listHeadings(text);
      for (const h of headings.filter((x) => x.level >= 2)) {
        const byText = extractSection(text, h.text);
        const bySlug = extractSection(text, h.slug);
        expect(bySlug, `${f}#${h.slug}`).toBeDefined();
        expect(bySlug!.heading.line).toBe(h.line);
        if (byText!.heading.line === h.line) expect(byText!.content).toBe(bySlug!.content);
        // Ends at the next heading of the same or a higher level, never includes its own heading line.
        const next = headings.find((n) => n.line > h.line && n.level <= h.level);
        const expected = lines
          .slice(h.line + 1, next ? next.line : lines.length)
          .join('\n')
          .trim();
        expect(bySlug!.content.trim(), `${f}#${h.slug}`).toBe(expected);
        expect(bySlug!.content.split('\n')[0]).not.toBe(lines[h.line]);
        expect(bySlug!.sha256).toMatch(/^[0-9a-f]{64}$/);
        count++;
      }
    }
    expect(count).toBeGreaterThan(80);
  });

  it('ignores # lines inside fenced code', () => {
    const text = '## A\n\n```sh\n## not a heading\n```\n\nbody\n\n## B\nb\n';
    expect(listHeadings(text).map((h) => h.text)).toEqual(['A', 'B']);
    expect(extractSection(text, 'A')!.content).toBe('```sh\n## not a heading\n```\n\nbody');
  });

  it('slugs headings the way GitHub anchors do', () => {
    expect(slugify('Domain Service Layer')).toBe('domain-service-layer');
    expect(slugify('Coverage & Mutation (v2)')).toBe('coverage--mutation-v2');
  });

  it('caches under the task with an 8-char id, detects stale excerpts', async () => {
    await withTemp(async (root) => {
      await mkdir(join(root, 'standards'));
      await writeFile(join(root, 'standards/g.md'), '# G\n\n## Rules\n\nbe nice\n\n### Sub\n\nmore\n\n## Other\n\nx\n');
      const ctxDir = join(root, 'ctx');
      const e = await cacheExcerpt({
        root,
        contextDir: ctxDir,
        file: 'standards/g.md',
        section: 'Rules',
        clock: fixedClock,
      });
      expect(e.id).toMatch(/^[0-9a-f]{8}$/);
      expect(e.section).toBe('rules');
      expect(await readFile(join(ctxDir, e.cached), 'utf8')).toBe('be nice\n\n### Sub\n\nmore\n');
      expect((await checkExcerpts(root, ctxDir, [e]))[0]!.status).toBe('fresh');
      await writeFile(join(root, 'standards/g.md'), '# G\n\n## Rules\n\nbe kind\n\n## Other\n\nx\n');
      expect((await checkExcerpts(root, ctxDir, [e]))[0]!.status).toBe('stale');
      await writeFile(join(root, 'standards/g.md'), '# G\n\n## Other\n\nx\n');
      expect((await checkExcerpts(root, ctxDir, [e]))[0]!.status).toBe('missing_section');
      await expect(
        cacheExcerpt({ root, contextDir: ctxDir, file: 'standards/g.md', section: 'Nope' }),
      ).rejects.toMatchObject({ code: 'E_SECTION_NOT_FOUND' });
    });
  });

  it('says missing_file only when the standard is gone; one that cannot be read is E_FILE_READ', async () => {
    await withTemp(async (root) => {
      await mkdir(join(root, 'standards'));
      await writeFile(join(root, 'standards/g.md'), '# G\n\n## Rules\n\nbe nice\n');
      const ctxDir = join(root, 'ctx');
      const e = await cacheExcerpt({ root, contextDir: ctxDir, file: 'standards/g.md', section: 'Rules' });
      await rm(join(root, 'standards/g.md'));
      expect((await checkExcerpts(root, ctxDir, [e]))[0]!.status).toBe('missing_file');
      // Something is there that cannot be read (EISDIR here, EACCES for another user): not "missing".
      await mkdir(join(root, 'standards/g.md'));
      await expect(checkExcerpts(root, ctxDir, [e])).rejects.toMatchObject({
        code: 'E_FILE_READ',
        file: join(root, 'standards/g.md'),
      });
    });
  });

  it('finds the sections a real task cites', () => {
    const text = readFileSync(join(realWorld, 'tasks/TASK-0818-frontend-tier-gap-analysis.task.yaml'), 'utf8');
    const cites = citedSections({ text });
    expect(cites.length).toBeGreaterThan(0);
    for (const c of cites) expect(c.file).toMatch(/^standards\/.+\.md$/);
  });
});

describeWithFixtures('citations of the real tasks', () => {
  it('resolve to a section of the real standards for the common anchors', () => {
    for (const [file, anchor] of [
      ['frontend-tier.md', 'state--logic-layer'],
      ['testing-standards.md', 'coverage-expectations'],
      ['backend-tier.md', 'domain-service-layer'],
      ['typescript.md', 'analyzability'],
    ]) {
      const text = readFileSync(join(dir, file!), 'utf8');
      expect(extractSection(text, anchor!), `${file}#${anchor}`).toBeDefined();
    }
  });
});
