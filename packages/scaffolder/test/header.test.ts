import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatHeader, isoSeconds, kebab, parseHeader, pascal, snake, syntaxFor } from '../src/index.js';

const segment = fc.stringMatching(/^[a-z][a-z0-9_-]{0,11}$/);
const path = fc
  .tuple(
    fc.array(segment, { minLength: 0, maxLength: 3 }),
    segment,
    fc.constantFrom('.ts', '.py', '.md', '.yaml', '.txt', '.js'),
  )
  .map(([dirs, base, ext]) => [...dirs, base].join('/') + ext);
const hex8 = fc.stringMatching(/^[0-9a-f]{8}$/);
const date = fc.date({
  min: new Date('2000-01-01T00:00:00Z'),
  max: new Date('2099-12-31T23:59:59Z'),
  noInvalidDate: true,
});

describe('provenance header', () => {
  it('round-trips through format and parse for every comment syntax', () => {
    fc.assert(
      fc.property(
        path,
        fc.stringMatching(/^[a-z][a-z0-9_]{0,15}$/),
        hex8,
        date,
        fc.option(date, { nil: undefined }),
        (p, template, version, created, updated) => {
          const header = formatHeader({
            path: p,
            template,
            version,
            created: isoSeconds(created),
            updated: updated ? isoSeconds(updated) : undefined,
          })!;
          const parsed = parseHeader(`${header}\nbody\n`, p);
          expect(parsed).toMatchObject({
            status: 'ok',
            path: p,
            template,
            version,
            created: isoSeconds(created),
            updated: updated ? isoSeconds(updated) : '',
          });
        },
      ),
    );
  });

  it('matches the regexes of the real scaffold_metadata.yaml', () => {
    const ts = formatHeader({
      path: 'src/a.ts',
      template: 'dto',
      version: '0123abcd',
      created: '2026-01-02T03:04:05Z',
    })!.split('\n');
    expect(ts[1]).toMatch(/^\/\/\s*template=.+\s+version=.+\s+created=.+\s+updated=.*$/);
    const md = formatHeader({
      path: 'docs/a.md',
      template: 'design',
      version: '0123abcd',
      created: '2026-01-02T03:04Z',
    })!.split('\n');
    expect(md[0]).toMatch(/^<!--\s*(.+\.(html|xml|md|markdown|svg))\s*-->$/);
    expect(md[1]).toMatch(/^<!--\s*template=.+\s+version=.+\s+created=.+\s+updated=.*\s*-->$/);
    expect(syntaxFor('x.json')).toBeUndefined();
  });

  it('reports what is wrong with a malformed header and ignores files without one', () => {
    expect(parseHeader('# a.py\n# template=Dto version=12 created=today\n', 'a.py')).toMatchObject({
      status: 'malformed',
      problems: [
        expect.stringContaining('template'),
        expect.stringContaining('version'),
        expect.stringContaining('created'),
      ],
    });
    expect(parseHeader('import os\n', 'a.py').status).toBe('none');
    expect(parseHeader('# template=dto version=0123abcd created=2026-01-02T03:04Z updated=\n', 'a.py')).toMatchObject({
      status: 'malformed',
      problems: ['line 1 must be the file path, line 2 the metadata'],
    });
  });
});

describe('naming', () => {
  it('keeps the words of a name across conventions (words of two letters or more: "a a" → "AA" is one word)', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-z]{2,8}$/), { minLength: 1, maxLength: 4 }), (words) => {
        const name = words.join(' ');
        expect(snake(pascal(name))).toBe(words.join('_'));
        expect(kebab(snake(name))).toBe(words.join('-'));
      }),
    );
  });

  it('splits names in any script', () => {
    expect(pascal('café order')).toBe('CaféOrder');
    expect(snake('CaféOrder')).toBe('café_order');
    expect(kebab('ÜberStraße')).toBe('über-straße');
  });
});
