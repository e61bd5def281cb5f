#!/usr/bin/env node
// Architecture guard run by `pnpm test`: packages depend only downward through the layering of
// DESIGN.md (LAYERS below), no dependency cycle between workspace packages, packages import each
// other only through their public `exports` (no deep imports) and only what their package.json
// declares, apps are never imported by packages, every publishable package passes publint, and every
// error and warning code the sources use is registered (docs/error-codes.md lists them).
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { publint } from 'publint';

const root = new URL('../..', import.meta.url).pathname;

export function listWorkspacePackages(base) {
  const out = [];
  for (const group of ['packages', 'apps', 'tooling', 'tests-e2e', 'examples']) {
    const dir = join(base, group);
    if (!existsSync(dir)) continue;
    const candidates = existsSync(join(dir, 'package.json')) ? [dir] : readdirSync(dir).map((d) => join(dir, d));
    for (const pkgDir of candidates) {
      const manifest = join(pkgDir, 'package.json');
      if (!existsSync(manifest)) continue;
      out.push({ dir: pkgDir, group, manifest: JSON.parse(readFileSync(manifest, 'utf8')) });
    }
  }
  return out;
}

/** Iterative DFS; returns one cycle (list of names) or undefined. */
export function findCycle(graph) {
  const state = new Map();
  for (const start of [...graph.keys()].sort()) {
    if (state.has(start)) continue;
    const stack = [[start, [...(graph.get(start) ?? [])].sort(), 0]];
    const path = [start];
    state.set(start, 'active');
    while (stack.length > 0) {
      const frame = stack[stack.length - 1];
      const [node, next] = frame;
      if (frame[2] >= next.length) {
        state.set(node, 'done');
        stack.pop();
        path.pop();
        continue;
      }
      const dep = next[frame[2]++];
      if (state.get(dep) === 'active') return [...path.slice(path.indexOf(dep)), dep];
      if (!state.has(dep) && graph.has(dep)) {
        state.set(dep, 'active');
        path.push(dep);
        stack.push([dep, [...(graph.get(dep) ?? [])].sort(), 0]);
      }
    }
  }
  return undefined;
}

function walk(dir, files = []) {
  if (!existsSync(dir)) return files;
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) walk(p, files);
    else if (/\.(ts|tsx|mts|js|mjs)$/.test(entry)) files.push(p);
  }
  return files;
}

/** The ground: every package may use these; they use nothing but `@st3/schemas`. */
const GROUND = ['@st3/schemas', '@st3/process', '@st3/fs'];

/**
 * The layering of DESIGN.md as the runtime dependencies (`dependencies`, `peerDependencies`) each
 * package may have on other workspace packages. A package missing here is a problem: place it when
 * it is created. devDependencies may point anywhere but at an app, as long as no cycle forms.
 */
export const LAYERS = {
  '@st3/schemas': [],
  '@st3/process': ['@st3/schemas'],
  '@st3/fs': ['@st3/schemas'],
  '@st3/cli-kit': GROUND,
  '@st3/telemetry': GROUND,
  '@st3/parity': GROUND,
  '@st3/scaffolder': [...GROUND, '@st3/parity'],
  '@st3/atomizer': GROUND,
  '@st3/dep-graph': [...GROUND, '@st3/atomizer'],
  '@st3/quality-gates': GROUND,
  '@st3/evidence': [...GROUND, '@st3/quality-gates'],
  '@st3/executor': [...GROUND, '@st3/atomizer', '@st3/dep-graph', '@st3/quality-gates'],
  '@st3/executor-bullmq': [...GROUND, '@st3/executor'],
};

/**
 * Dependency rules: packages follow `layers` (pass `false` to skip that rule), no package depends
 * on an app, and no cycle between workspace packages (devDependencies included: the build order
 * follows them too).
 */
export function checkDependencies(pkgs, layers = LAYERS) {
  const problems = [];
  const names = new Map(pkgs.map((p) => [p.manifest.name, p]));
  const graph = new Map();
  for (const p of pkgs) {
    const runtime = { ...p.manifest.dependencies, ...p.manifest.peerDependencies };
    const deps = { ...runtime, ...p.manifest.devDependencies };
    graph.set(
      p.manifest.name,
      Object.keys(deps).filter((d) => names.has(d) && d !== '@st3/tooling'),
    );
    if (p.group !== 'packages') continue;
    for (const d of Object.keys(deps)) {
      if (names.get(d)?.group === 'apps')
        problems.push(`${p.manifest.name} depends on the app ${d}: apps depend on packages, never the reverse`);
    }
    if (!layers) continue;
    const allowed = layers[p.manifest.name];
    if (!allowed) {
      problems.push(`${p.manifest.name} has no place in the layering: add it to LAYERS in check-architecture.mjs`);
      continue;
    }
    for (const d of Object.keys(runtime)) {
      if (names.get(d)?.group !== 'packages' || allowed.includes(d)) continue;
      problems.push(
        `${p.manifest.name} depends on ${d}, which the layering does not allow (it may use: ${allowed.join(', ') || 'no workspace package'})`,
      );
    }
  }
  const cycle = findCycle(graph);
  if (cycle) problems.push(`dependency cycle between workspace packages: ${cycle.join(' → ')}`);
  return problems;
}

const IMPORT_RE = /(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"](@st3\/[^'"]+)['"]/g;

/** Import rule: a workspace package is imported only through a subpath its `exports` lists. */
export function checkImports(pkgs, base) {
  const problems = [];
  const names = new Map(pkgs.map((p) => [p.manifest.name, p]));
  for (const p of pkgs) {
    const runtime = { ...p.manifest.dependencies, ...p.manifest.peerDependencies };
    const all = { ...runtime, ...p.manifest.devDependencies };
    const sources = new Set(walk(join(p.dir, 'src')));
    for (const file of [...sources].concat(walk(join(p.dir, 'test')))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(IMPORT_RE)) {
        const spec = m[1];
        const [scope, name, ...rest] = spec.split('/');
        const target = names.get(`${scope}/${name}`);
        if (!target) continue;
        const shipped =
          (p.group === 'packages' || p.group === 'apps') && sources.has(file) && !/\.test\.[mc]?[jt]sx?$/.test(file);
        const declared = shipped ? runtime : all;
        if (target.manifest.name !== p.manifest.name && !(target.manifest.name in declared))
          problems.push(
            `${relative(base, file)} imports ${target.manifest.name}, which ${p.manifest.name} does not declare in its ${declared === runtime ? 'dependencies' : 'package.json'}`,
          );
        const subpath = rest.length ? `./${rest.join('/')}` : '.';
        const exportsMap = target.manifest.exports ?? {};
        const exported = Object.keys(exportsMap).some(
          (k) => k === subpath || (k.endsWith('*') && subpath.startsWith(k.slice(0, -1))),
        );
        if (!exported)
          problems.push(
            `${relative(base, file)} imports ${spec}, which is not in the public exports of ${target.manifest.name}`,
          );
      }
    }
  }
  return problems;
}

const CODE_RE = /['"`]((?:E|W)_[A-Z][A-Z0-9_]*)['"`]/g;
/** Literals shaped like codes that are not user-facing codes: cli-kit's internal exit signal, doc examples. */
const NOT_CODES = new Set(['E_EXIT', 'E_UPPER_CASE', 'E_X']);

/**
 * Code rule: every `E_…`/`W_…` string literal in the shipped sources of packages and apps is a code of
 * `registered` (ERROR_CODES and WARNING_CODES of @st3/schemas), so each one has its cause and fix listed.
 */
export function checkCodes(pkgs, base, registered) {
  const problems = [];
  for (const p of pkgs) {
    if (p.group !== 'packages' && p.group !== 'apps') continue;
    for (const file of walk(join(p.dir, 'src'))) {
      if (/\.test\.[mc]?[jt]sx?$/.test(file)) continue;
      const seen = new Set();
      for (const m of readFileSync(file, 'utf8').matchAll(CODE_RE)) {
        const code = m[1];
        if (registered.has(code) || NOT_CODES.has(code) || seen.has(code)) continue;
        // A prefix naming a family of registered codes (`code.startsWith('E_AGENT_')`) is no code of its own.
        if (code.endsWith('_') && [...registered].some((c) => c.startsWith(code))) continue;
        seen.add(code);
        problems.push(
          `${relative(base, file)} uses ${code}, which is not registered: add it to ${code.startsWith('W_') ? 'WARNING_CODES' : 'ERROR_CODES'} in @st3/schemas (cause and fix)`,
        );
      }
    }
  }
  return problems;
}

/** The codes @st3/schemas registers, from its build (undefined when it is not built). */
async function registeredCodes(base) {
  const built = join(base, 'packages/schemas/dist/errors.js');
  if (!existsSync(built)) return undefined;
  const { ERROR_CODES, WARNING_CODES } = await import(pathToFileURL(built).href);
  return new Set([...Object.keys(ERROR_CODES), ...Object.keys(WARNING_CODES)]);
}

/** Packaging rule: every publishable package is built, publint-clean, side-effect free and exports its package.json. */
export async function checkPackaging(pkgs) {
  const problems = [];
  for (const p of pkgs) {
    if (p.manifest.private) continue;
    if (!existsSync(join(p.dir, 'dist'))) {
      problems.push(`${p.manifest.name}: not built (run pnpm build before this check)`);
      continue;
    }
    const { messages } = await publint({ pkgDir: p.dir, level: 'warning', strict: true });
    for (const msg of messages)
      problems.push(`${p.manifest.name}: publint ${msg.type} ${msg.code} at ${msg.path.join('.')}`);
    if (p.manifest.sideEffects !== false)
      problems.push(`${p.manifest.name}: package.json must say "sideEffects": false`);
    if (!p.manifest.exports?.['./package.json'])
      problems.push(`${p.manifest.name}: exports must include "./package.json"`);
  }
  return problems;
}

/** Every rule on the workspace at `base`; returns the problems found (empty = clean). */
export async function checkArchitecture(base, options = {}) {
  const pkgs = listWorkspacePackages(base);
  const problems = [...checkDependencies(pkgs, options.layers ?? LAYERS), ...checkImports(pkgs, base)];
  if (options.packaging !== false) problems.push(...(await checkPackaging(pkgs)));
  const codes = options.codes ?? (await registeredCodes(base));
  if (codes) problems.push(...checkCodes(pkgs, base, codes));
  else if (options.codes !== false)
    problems.push('@st3/schemas: not built (its error codes are needed for the code rule)');
  return { packages: pkgs.length, problems };
}

async function main() {
  const { packages, problems } = await checkArchitecture(root);
  if (problems.length > 0) {
    console.error(`architecture check failed (${problems.length}):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    process.exitCode = 1;
  } else {
    console.log(
      `architecture check: ${packages} workspace packages, layering kept, no cycle, no deep or undeclared import, publint clean, every code registered`,
    );
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
