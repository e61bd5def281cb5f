import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defineCommand, parseCommand, type OptionSpec } from '../src/index.js';

const command = defineCommand({
  name: 'demo',
  summary: 'demo',
  args: [
    { name: 'first', description: 'first', required: true },
    { name: 'more', description: 'more', variadic: true },
  ],
  options: {
    out: { type: 'string', valueName: 'FILE', description: 'out' },
    tag: { type: 'string', multiple: true, description: 'tags' },
    force: { type: 'boolean', description: 'force', short: 'f' },
    count: { type: 'number', integer: true, min: 1, max: 50, description: 'count' },
    ratio: { type: 'number', description: 'ratio', default: 0.5 },
    mode: { type: 'enum', choices: ['fast', 'slow', 'careful'], description: 'mode' },
    'dry-run': { type: 'boolean', description: 'dry', aliases: ['simulate'], deprecatedAliases: ['dryrun'] },
  },
  run: async () => 0,
});

const parse = (argv: string[]) => parseCommand(command, argv, 'x demo');
const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
};

// A word that is a value, not an option: no leading dash.
const word = fc.stringMatching(/^[a-zA-Z0-9_./][a-zA-Z0-9_./=-]{0,8}$/);

describe('parseCommand', () => {
  it('gives back what was written, whatever the order and spelling (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          first: word,
          more: fc.array(word, { maxLength: 3 }),
          out: fc.option(word, { nil: undefined }),
          tag: fc.option(fc.array(word, { minLength: 1, maxLength: 3 }), { nil: undefined }),
          force: fc.option(fc.constant(true), { nil: undefined }),
          count: fc.option(fc.integer({ min: 1, max: 50 }), { nil: undefined }),
          mode: fc.option(fc.constantFrom('fast', 'slow', 'careful'), { nil: undefined }),
        }),
        fc.boolean(),
        fc.integer(),
        (v, inline, seed) => {
          const options: string[][] = [];
          const opt = (name: string, value: string) =>
            options.push(inline ? [`--${name}=${value}`] : [`--${name}`, value]);
          if (v.out !== undefined) opt('out', v.out);
          for (const t of v.tag ?? []) opt('tag', t);
          if (v.force) options.push([seed % 2 === 0 ? '--force' : '-f']);
          if (v.count !== undefined) opt('count', String(v.count));
          if (v.mode !== undefined) opt('mode', v.mode);
          // options go before, between or after the positionals; the order of repeated --tag is kept
          const positionals = [v.first, ...v.more];
          const argv: string[] = [];
          const at = Math.abs(seed) % (positionals.length + 1);
          argv.push(...positionals.slice(0, at), ...options.flat(), ...positionals.slice(at));
          const r = parse(argv);
          expect(r.args).toEqual({ first: v.first, more: v.more });
          expect(r.values).toEqual({
            ...(v.out !== undefined ? { out: v.out } : {}),
            ...(v.tag !== undefined ? { tag: v.tag } : {}),
            ...(v.force ? { force: true } : {}),
            ...(v.count !== undefined ? { count: v.count } : {}),
            ...(v.mode !== undefined ? { mode: v.mode } : {}),
            ratio: 0.5,
          });
        },
      ),
    );
  });

  it('rejects any unknown long option as a usage error (property)', () => {
    const known = new Set([
      'out',
      'tag',
      'force',
      'count',
      'ratio',
      'mode',
      'dry-run',
      'simulate',
      'dryrun',
      'json',
      'cwd',
      'config',
      'quiet',
      'no-color',
      'help',
    ]);
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z][a-z-]{0,12}$/), (name) => {
        fc.pre(!known.has(name));
        expect(codeOf(() => parse(['a', `--${name}`]))).toBe('E_USAGE');
      }),
    );
  });

  it('accepts integers in range and rejects everything else for an integer option (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: -100, max: 100 }), fc.double({ noNaN: true, min: -100, max: 100 })),
        (n) => {
          const ok = Number.isInteger(n) && n >= 1 && n <= 50;
          const code = codeOf(() => parse(['a', '--count', String(n)]));
          expect(code).toBe(ok ? undefined : 'E_USAGE');
        },
      ),
    );
  });

  it('suggests the option one typo away', () => {
    expect(() => parse(['a', '--froce'])).toThrow(/unknown option --froce/);
    try {
      parse(['a', '--froce']);
    } catch (error) {
      expect((error as { hint: string }).hint).toContain('did you mean --force?');
      expect((error as { details: unknown }).details).toEqual({ suggestions: ['--force'] });
    }
  });

  it('checks enum values with a suggestion and the declared error code', () => {
    try {
      parse(['a', '--mode', 'fats']);
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: 'E_USAGE', hint: 'did you mean "fast"?' });
    }
    const coded = defineCommand({
      name: 'c',
      summary: 'c',
      options: { format: { type: 'enum', choices: ['json', 'dot'], errorCode: 'E_GRAPH_OPTIONS', description: 'f' } },
      run: async () => 0,
    });
    expect(codeOf(() => parseCommand(coded, ['--format', 'svg'], 'c'))).toBe('E_GRAPH_OPTIONS');
  });

  it('handles --, short groups, negative numbers, booleans with values and missing values', () => {
    expect(parse(['a', '--', '--force', '-x']).args).toEqual({ first: 'a', more: ['--force', '-x'] });
    expect(parse(['-fq', 'a']).common.quiet).toBe(true);
    expect(parse(['-fq', 'a']).values.force).toBe(true);
    expect(parse(['a', '--ratio', '-2.5']).values.ratio).toBe(-2.5);
    expect(parse(['-5']).args.first).toBe('-5');
    expect(codeOf(() => parse(['a', '--force=yes']))).toBe('E_USAGE');
    expect(codeOf(() => parse(['a', '--out']))).toBe('E_USAGE');
    expect(codeOf(() => parse(['a', '--out', '--force']))).toBe('E_USAGE');
    expect(parse(['a', '--out=--force']).values.out).toBe('--force');
    expect(codeOf(() => parse([]))).toBe('E_USAGE');
  });

  it('accepts aliases, and deprecated aliases with a warning', () => {
    expect(parse(['a', '--simulate']).values['dry-run']).toBe(true);
    const r = parse(['a', '--dryrun']);
    expect(r.values['dry-run']).toBe(true);
    expect(r.warnings).toEqual(['--dryrun is deprecated; use --dry-run']);
  });

  it('keeps arguments after -- apart for a passthrough command', () => {
    const pass = defineCommand({
      name: 't',
      summary: 't',
      passthrough: { name: 'command', description: 'what to run' },
      run: async () => 0,
    });
    const r = parseCommand(pass, ['--json', '--', 'pytest', '-x', '--json'], 't');
    expect(r.rest).toEqual(['pytest', '-x', '--json']);
    expect(r.positionals).toEqual([]);
    expect(codeOf(() => parseCommand(pass, ['stray'], 't'))).toBe('E_USAGE');
  });

  it('refuses specs that cannot be parsed unambiguously', () => {
    const bad = (spec: Record<string, OptionSpec>) => () =>
      defineCommand({ name: 'b', summary: 'b', options: spec, run: async () => 0 });
    expect(bad({ json: { type: 'boolean', description: 'again' } })).toThrow(/declared twice/);
    expect(bad({ x: { type: 'boolean', description: 'x', short: 'q' } })).toThrow(/short alias/);
    expect(() =>
      defineCommand({
        name: 'b',
        summary: 'b',
        args: [
          { name: 'a', description: 'a', variadic: true },
          { name: 'b', description: 'b' },
        ],
      }),
    ).toThrow(/variadic/);
  });
});
