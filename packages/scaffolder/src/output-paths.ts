import { dirname, posix } from 'node:path';
import type { ArtifactType } from '@st3/schemas';
import { kebab, pyModule, withSuffix } from './naming.js';
import { EXTENSION, type Language } from './registry.js';

const CODE_DIRS: Record<string, string> = {
  dto: 'dtos',
  worker: 'workers',
  tool: 'tools',
  schema: 'schemas',
  service: 'services',
  generic: '',
};

/** Where an artifact goes when --out does not say (or names a folder, ending in /). */
export function defaultOutPath(
  artifact: ArtifactType,
  lang: Language | undefined,
  name: string,
  outDir?: string,
  /** The folder project_structure.yaml picks, used when neither --out nor base_path says. */
  placed?: string,
): string {
  const full = withSuffix(name, artifact.name_suffix);
  const base = (dir: string) =>
    (outDir ?? artifact.base_path ?? placed ?? dir).replace(/\/*$/, '/').replace(/^\/$/, '');
  if (lang) {
    const ext = EXTENSION[lang];
    if (artifact.type_id === 'unit_test')
      return lang === 'ts'
        ? `${base('test/unit')}${kebab(full)}.test.ts`
        : `${base('tests/unit')}test_${pyModule(full)}.py`;
    if (artifact.type_id === 'integration_test')
      return lang === 'ts'
        ? `${base('test/integration')}${kebab(full)}.integration.test.ts`
        : `${base('tests/integration')}test_${pyModule(full)}.py`;
    const dir = CODE_DIRS[artifact.type_id] ?? artifact.type_id;
    return `${base(dir ? `src/${dir}` : 'src')}${lang === 'ts' ? kebab(full) : pyModule(full)}${ext}`;
  }
  return `${base(`docs/${artifact.type_id}`)}${kebab(full)}${artifact.file_extension}`;
}

/** Where the companion test of a code artifact goes. */
export function testOutPath(artifact: ArtifactType, lang: Language, name: string, placed?: string): string {
  const full = withSuffix(name, artifact.name_suffix);
  const dir = (artifact.test_base_path ?? placed ?? (lang === 'ts' ? 'test/unit' : 'tests/unit')).replace(/\/*$/, '/');
  return lang === 'ts' ? `${dir}${kebab(full)}.test.ts` : `${dir}test_${pyModule(full)}.py`;
}

/** How the test file imports the artifact: a relative `.js` specifier (TS, NodeNext) or a dotted module (Python, `src/` as root). */
export function testImport(lang: Language, testPath: string, sourcePath: string, prefix = ''): string {
  if (lang === 'ts') {
    let rel = posix.relative(dirname(testPath), sourcePath).replace(/\.ts$/, '.js');
    if (!rel.startsWith('.')) rel = `./${rel}`;
    return rel;
  }
  const local = prefix && sourcePath.startsWith(prefix) ? sourcePath.slice(prefix.length) : sourcePath;
  return local
    .replace(/^src\//, '')
    .replace(/\.py$/, '')
    .split('/')
    .join('.');
}
