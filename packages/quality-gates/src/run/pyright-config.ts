import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';

// pyright's own config, read the way pyright 1.1.414 finds it (its analyzerService `_getConfigOptions`):
// only what the gate engine needs, its `ignore` globs. Written against pyright's documented semantics
// ("Configuration": paths relative to the config file; pyrightconfig.json wins over pyproject.toml).

/** The `ignore` globs in force and the folder they are relative to; none when no config sets them. */
export type PyrightIgnore = { patterns: string[]; dir: string; source: string } | { patterns: []; source?: string };

/** A config pyright would read that we cannot: the gate cannot tell what pyright suppressed. */
export class PyrightConfigUnreadable extends Error {}

/** Where a config file sets something: a JSON object, or `[tool.pyright]` of a pyproject.toml. */
type PyrightSettings = { ignore?: unknown; extends?: unknown };

/**
 * The `ignore` pyright applies when run as `argv` in `cwd`: the config named by `-p`/`--project`, else
 * pyrightconfig.json in `cwd` or a folder above, else the nearest pyproject.toml with a `[tool.pyright]`
 * table; then its `extends` chain, where the nearest config that sets `ignore` wins (pyright applies the
 * base first and each child's `ignore` replaces it). Throws `PyrightConfigUnreadable`.
 */
export function pyrightIgnore(argv: readonly string[], cwd: string): PyrightIgnore {
  let file = configFile(argv, cwd);
  const seen = new Set<string>();
  while (file && !seen.has(file)) {
    seen.add(file);
    const settings = readSettings(file);
    if (settings === undefined) return { patterns: [] };
    if (settings.ignore !== undefined)
      return { patterns: stringArray(settings.ignore, file), dir: dirname(file), source: file };
    if (typeof settings.extends !== 'string' || settings.extends === '') return { patterns: [], source: file };
    file = resolve(dirname(file), settings.extends);
  }
  return { patterns: [] };
}

/** The config file pyright reads first, or undefined (defaults: nothing ignored). */
function configFile(argv: readonly string[], cwd: string): string | undefined {
  const project = projectOption(argv);
  if (project !== undefined) {
    const path = isAbsolute(project) ? project : resolve(cwd, project);
    if (!existsSync(path)) return undefined; // pyright fails on it: the gate is an error anyway
    if (/\.(json|toml)$/i.test(path) && !isDirectory(path)) return path;
    const here = join(path, 'pyrightconfig.json');
    return existsSync(here) ? here : pyprojectHereOrUp(path);
  }
  for (let dir = cwd; ; dir = dirname(dir)) {
    const candidate = join(dir, 'pyrightconfig.json');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) break;
  }
  return pyprojectHereOrUp(cwd);
}

/** The nearest pyproject.toml with a `[tool.pyright]` table: one without it makes pyright look further up. */
function pyprojectHereOrUp(start: string): string | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, 'pyproject.toml');
    if (existsSync(candidate) && readSettings(candidate) !== undefined) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/** `-p X`, `-pX`, `--project X`, `--project=X`. */
function projectOption(argv: readonly string[]): string | undefined {
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-p' || arg === '--project') return argv[i + 1];
    if (arg.startsWith('--project=')) return arg.slice('--project='.length);
    if (arg.startsWith('-p') && arg.length > 2 && !arg.startsWith('--')) return arg.slice(2);
  }
  return undefined;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** A config file's settings; undefined for a pyproject.toml without `[tool.pyright]`. */
function readSettings(file: string): PyrightSettings | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new PyrightConfigUnreadable(`cannot read ${file}: ${(error as Error).message}`);
  }
  if (/\.toml$/i.test(file)) return tomlPyrightTable(text, file);
  try {
    const value: unknown = JSON.parse(jsoncToJson(text));
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as PyrightSettings;
  } catch {
    // reported below
  }
  throw new PyrightConfigUnreadable(`${file} is not a JSON object`);
}

function stringArray(value: unknown, file: string): string[] {
  if (Array.isArray(value) && value.every((v): v is string => typeof v === 'string')) return value;
  throw new PyrightConfigUnreadable(`${file}: "ignore" is not an array of strings`);
}

/** JSON with comments and trailing commas (pyright reads its config that way) as plain JSON. */
export function jsoncToJson(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      const end = stringEnd(text, i, '"');
      out += text.slice(i, end);
      i = end - 1;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? text.length : close + 1;
      out += ' ';
    } else out += c;
  }
  return out.replace(/,(\s*[\]}])/g, '$1');
}

/** The index just past the string that opens at `start` (`\` escapes); the text's end when it is not closed. */
function stringEnd(text: string, start: number, quote: string): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\' && quote === '"') i++;
    else if (text[i] === quote) return i + 1;
  }
  return text.length;
}

/**
 * `[tool.pyright]`'s `ignore` and `extends` from pyproject.toml text (also as dotted keys: `tool.pyright.ignore`
 * at the top level, `pyright.ignore` under `[tool]`); undefined when the file has no such table. A form this
 * reader does not follow (an inline table, a multi-line string) is `PyrightConfigUnreadable`: never a guess.
 */
export function tomlPyrightTable(text: string, file: string): PyrightSettings | undefined {
  const lines = text.split(/\r?\n/);
  const dotted = (key: string): string => key.replace(/\s*\.\s*/g, '.').replace(/["']/g, '');
  let table = '';
  let found = false;
  const settings: PyrightSettings = {};
  for (let n = 0; n < lines.length; n++) {
    const header = /^\s*\[(\[?)\s*([^\][]+?)\s*\]\]?\s*(#.*)?$/.exec(lines[n]!);
    if (header) {
      table = dotted(header[2]!);
      found ||= table === 'tool.pyright' || table.startsWith('tool.pyright.');
      continue;
    }
    const m = /^\s*([\w.\s"'-]+?)\s*=\s*(.*)$/.exec(lines[n]!);
    if (!m) continue;
    const key = [table, dotted(m[1]!)].filter(Boolean).join('.');
    if (key === 'tool.pyright')
      throw new PyrightConfigUnreadable(`${file}:${n + 1}: cannot read [tool.pyright] written as an inline table`);
    if (!key.startsWith('tool.pyright.')) continue;
    found = true;
    const name = key.slice('tool.pyright.'.length);
    if (name !== 'ignore' && name !== 'extends') continue;
    const rest = [m[2]!, ...lines.slice(n + 1)].join('\n');
    const { value, end } = tomlValue(rest, `${file}:${n + 1}`);
    settings[name] = value;
    n += (rest.slice(0, end).match(/\n/g) ?? []).length;
  }
  return found ? settings : undefined;
}

/** One TOML string or array of strings at the start of `text` (arrays may span lines and hold comments). */
function tomlValue(text: string, where: string): { value: string | string[]; end: number } {
  const fail = (): never => {
    throw new PyrightConfigUnreadable(`${where}: cannot read this value of [tool.pyright]`);
  };
  let i = 0;
  const blank = (newlines: boolean): void => {
    for (;;) {
      while (i < text.length && (text[i] === ' ' || text[i] === '\t' || (newlines && /[\r\n]/.test(text[i]!)))) i++;
      if (!newlines || text[i] !== '#') return;
      while (i < text.length && text[i] !== '\n') i++;
    }
  };
  const str = (): string => {
    const quote = text[i];
    if ((quote !== '"' && quote !== "'") || text.startsWith(quote.repeat(3), i)) return fail();
    const end = stringEnd(text, i, quote);
    const raw = text.slice(i, end);
    i = end;
    if (raw.length < 2 || !raw.endsWith(quote) || raw.includes('\n')) return fail();
    if (quote === "'") return raw.slice(1, -1);
    try {
      return JSON.parse(raw) as string;
    } catch {
      return fail();
    }
  };
  blank(false);
  if (text[i] !== '[') return { value: str(), end: i };
  i++;
  const items: string[] = [];
  for (;;) {
    blank(true);
    if (text[i] === ']') return { value: items, end: i + 1 };
    items.push(str());
    blank(true);
    if (text[i] === ',') i++;
    else if (text[i] !== ']') return fail();
  }
}
