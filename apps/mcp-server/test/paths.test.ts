import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, isAbsolute } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insidePattern, resolveInside, shownPath, shownPathsIn } from '../src/paths.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'st3-mcp-paths-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

const segment = fc.constantFrom('a', 'b', '..', '.', 'src', '', 'x.ts');

describe('resolveInside', () => {
  it('returns a path inside the root, or throws E_PATH_ESCAPE', () => {
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 8 }), fc.boolean(), (parts, absolute) => {
        const input = (absolute ? '/' : '') + parts.join('/');
        try {
          const abs = resolveInside(root, input);
          const rel = relative(root, abs);
          expect(rel.startsWith('..') || isAbsolute(rel)).toBe(false);
        } catch (error) {
          expect((error as { code?: string }).code).toBe('E_PATH_ESCAPE');
        }
      }),
    );
  });

  it('accepts the root itself and absolute paths under it', () => {
    expect(resolveInside(root, '.')).toBe(root);
    expect(resolveInside(root, join(root, 'src/a.ts'))).toBe(join(root, 'src/a.ts'));
    expect(() => resolveInside(root, 'src/../../x')).toThrow(/outside the workspace root/);
  });
});

describe('insidePattern', () => {
  it('keeps workspace-relative paths and globs, refuses globs that climb', () => {
    expect(insidePattern(root, join(root, 'src'))).toBe('src');
    expect(insidePattern(root, 'src/**/*.ts')).toBe('src/**/*.ts');
    expect(() => insidePattern(root, '../*/x.ts')).toThrow(/may leave the workspace root/);
    expect(() => insidePattern(root, '/etc/*.conf')).toThrow(/may leave/);
  });
});

describe('shownPath and shownPathsIn: paths as tools name them', () => {
  it('workspace-relative under the root, the root itself as ".", anything else as it is', () => {
    expect(shownPath('/w/a.b', '/w/a.b/src/x.ts')).toBe('src/x.ts');
    expect(shownPath('/w/a.b', '/w/a.b')).toBe('.');
    expect(shownPath('/w/a.b', '/w/a.b2/x.ts')).toBe('/w/a.b2/x.ts');
    expect(shownPath('/w/a.b', 'src/x.ts')).toBe('src/x.ts');
  });

  it('in text: files under the root and the root alone, never a longer name that starts like it', () => {
    expect(
      shownPathsIn('/w/a.b', 'resolved against /w/a.b; see /w/a.b/x/y.ts, /w/a.b2/z, /w/a.b.old and /w/a.b.'),
    ).toBe('resolved against .; see x/y.ts, /w/a.b2/z, /w/a.b.old and ..');
  });
});
