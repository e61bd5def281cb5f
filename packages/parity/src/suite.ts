import type { ParityCase, ParityCategory } from '@st3/schemas';
import { languageOf } from './normalize/presets.js';
import type { Normalizer } from './normalize/types.js';
import { checkSpeed, type SpeedCheckOptions } from './measure.js';
import { skippedSpeed, type SpeedVerdict } from './speed.js';
import { percentile } from './stats.js';
import { compareRenderedFiles, describeFileComparison, type FileComparison } from './compare-rendered.js';
import { compareOutputs, describeVerdict } from './verdict.js';

export type { FileComparison } from './compare-rendered.js';

/** A case as the runner sees it: its id (file name), where it came from, and its parsed content. */
export interface SuiteCase {
  id: string;
  file?: string;
  data: ParityCase;
}

export interface RenderedFile {
  path: string;
  content: string;
}

/** What a renderer returns for a case: the files it would write, and any warnings (fallbacks). */
export interface Rendered {
  files: RenderedFile[];
  warnings?: string[];
}

export type Renderer = (c: SuiteCase) => Promise<Rendered> | Rendered;

export interface SideResult {
  label: string;
  ok: boolean;
  /** Output that rendered but is not trustworthy: fallback warnings, broken markers, wrong expected output. */
  broken?: string;
  /** `rules`: what a validation error says per input path (`fields: at least one field`), from its diagnostics. */
  error?: { message: string; code?: string; validation: boolean; rules?: string[] };
  warnings: string[];
  /** Milliseconds per render of this case. */
  times: number[];
}

export interface CaseReport {
  id: string;
  name: string;
  category: ParityCategory;
  /** What the case declared it must end in, when that differs from `category`. */
  expectedCategory?: ParityCategory;
  reason: string;
  left: SideResult;
  right: SideResult;
  files: FileComparison[];
}

export interface TimingStats {
  median: number;
  p95: number;
  count: number;
}

export interface SuiteReport {
  name: string;
  /**
   * No fail, no regression, every case ended in the category it declared, and speed passed or was
   * skipped on purpose: a speed check that ran but measured nothing (`not measured`) is not met.
   */
  ok: boolean;
  counts: Record<ParityCategory, number>;
  cases: CaseReport[];
  timing: { left: TimingStats; right: TimingStats; ratio: { median: number; p95: number } };
  /** The speed verdict (right vs left), measured on the cases that render on both sides; `fail` or `not measured` makes the suite not ok. */
  speed: SpeedVerdict;
}

export interface RunSuiteOptions {
  name?: string;
  cases: readonly SuiteCase[];
  left: Renderer;
  right: Renderer;
  labels?: [string, string];
  /** Rules replacing the per-file presets. */
  normalizers?: readonly Normalizer[];
  /** Renders per case and side; the last one is compared (default 1). */
  repeat?: number;
  /** Untimed renders of the first case on each side before timing starts (default 0). */
  warmup?: number;
  /** Is this error a clean input-validation error (default: an St3Error with a code naming validation or a schema)? */
  isValidationError?: (error: unknown) => boolean;
  /** Text that marks a rendering as broken (default: `[object Object]`). */
  brokenMarkers?: readonly RegExp[];
  /** Extra markers for Markdown and plain-text outputs (default: `undefined`, `NaN`). */
  documentMarkers?: readonly RegExp[];
  /** Monotonic clock in ms (tests pass a fake one). */
  now?: () => number;
  signal?: AbortSignal;
  /**
   * The speed check (default on, seed thresholds): `false` or `{ skip: reason }` skips it (reported
   * as skipped, never as a pass); options tune rounds, clock, thresholds and attempts.
   */
  speed?: false | { skip: string } | SpeedCheckOptions;
}

const VALIDATION_CODE = /SCHEMA|VALID|CONTEXT|USAGE/;

export function defaultIsValidationError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && VALIDATION_CODE.test(code);
}

/**
 * Markers of a template that printed a value it did not have. Only `[object Object]` is certain in
 * every language (`undefined` and `NaN` are legitimate TypeScript); suites add their own.
 */
export const DEFAULT_BROKEN_MARKERS: readonly RegExp[] = [/\[object Object\]/];

/** In prose (Markdown, plain text) a bare `undefined` or `NaN` is always a value the template did not have. */
export const DEFAULT_DOCUMENT_MARKERS: readonly RegExp[] = [/\bundefined\b/, /\bNaN\b/];

/**
 * Renders every case with both renderers and sorts it: equal outputs pass; a broken left side
 * with a right-side validation error is an improvement; a fine left side with a right-side error
 * is a regression; anything else that differs fails.
 */
export async function runParitySuite(options: RunSuiteOptions): Promise<SuiteReport> {
  const [leftLabel, rightLabel] = options.labels ?? ['v1', 'v2'];
  const repeat = Math.max(1, options.repeat ?? 1);
  const now = options.now ?? (() => performance.now());
  const isValidation = options.isValidationError ?? defaultIsValidationError;
  const markers = options.brokenMarkers ?? DEFAULT_BROKEN_MARKERS;
  const cases: CaseReport[] = [];
  // warm-up renders (not timed, not judged) keep one-time template compilation out of p95
  const first = options.cases[0];
  for (let i = 0; first && i < (options.warmup ?? 0); i++) {
    await (async () => options.left(first))().catch(() => undefined);
    await (async () => options.right(first))().catch(() => undefined);
  }
  for (const c of options.cases) {
    if (options.signal?.aborted) throw options.signal.reason ?? new Error('aborted');
    const left = await renderSide(leftLabel, options.left, c, repeat, now, isValidation);
    const right = await renderSide(rightLabel, options.right, c, repeat, now, isValidation);
    cases.push(
      judge(c, left, right, options.normalizers, markers, options.documentMarkers ?? DEFAULT_DOCUMENT_MARKERS),
    );
  }
  const counts: Record<ParityCategory, number> = { pass: 0, improvement: 0, regression: 0, fail: 0 };
  for (const c of cases) counts[c.category]++;
  const speed = await suiteSpeed(options, cases);
  const leftTimes = cases.flatMap((c) => c.left.times);
  const rightTimes = cases.flatMap((c) => c.right.times);
  const left = stats(leftTimes);
  const right = stats(rightTimes);
  return {
    name: options.name ?? 'parity suite',
    ok:
      counts.fail === 0 &&
      counts.regression === 0 &&
      cases.every((c) => c.expectedCategory === undefined) &&
      speedMet(speed),
    counts,
    cases,
    timing: { left, right, ratio: { median: ratio(right.median, left.median), p95: ratio(right.p95, left.p95) } },
    speed,
  };
}

/**
 * The speed requirement holds when it passed, or was skipped by the caller's choice (`speed: false`,
 * `{ skip }`); a check that ran and could not measure (no case renders on both sides, too few samples)
 * has no data, and a requirement with no data is not met.
 */
export function speedMet(speed: SpeedVerdict): boolean {
  return speed.status === 'pass' || speed.status === 'skipped';
}

/** Times the cases that rendered on both sides (an error path is not a render time). */
function suiteSpeed(options: RunSuiteOptions, reports: readonly CaseReport[]): Promise<SpeedVerdict> {
  if (options.speed === false) return Promise.resolve(skippedSpeed('turned off'));
  if (options.speed && 'skip' in options.speed) return Promise.resolve(skippedSpeed(options.speed.skip));
  const rendered = new Set(reports.filter((r) => r.left.ok && r.right.ok).map((r) => r.id));
  const cases = options.cases.filter((c) => rendered.has(c.id));
  return checkSpeed(cases, options.left, options.right, { signal: options.signal, ...(options.speed ?? {}) });
}

interface SideRun extends SideResult {
  rendered?: Rendered;
  /** Broken by its output itself (markers, expected mismatch), not only by fallback warnings. */
  brokenOutput?: string;
}

async function renderSide(
  label: string,
  renderer: Renderer,
  c: SuiteCase,
  repeat: number,
  now: () => number,
  isValidation: (e: unknown) => boolean,
): Promise<SideRun> {
  const times: number[] = [];
  let rendered: Rendered | undefined;
  for (let i = 0; i < repeat; i++) {
    const start = now();
    try {
      rendered = await renderer(c);
    } catch (error) {
      times.push(now() - start);
      const code = (error as { code?: unknown })?.code;
      const validation = isValidation(error);
      const rules = validation ? rulesOf(error) : [];
      return {
        label,
        ok: false,
        warnings: [],
        times,
        error: {
          message: (error as Error)?.message ?? String(error),
          code: typeof code === 'string' ? code : undefined,
          validation,
          ...(rules.length > 0 ? { rules } : {}),
        },
      };
    }
    times.push(now() - start);
  }
  return { label, ok: true, warnings: rendered?.warnings ?? [], times, rendered };
}

function judge(
  c: SuiteCase,
  left: SideRun,
  right: SideRun,
  normalizers: readonly Normalizer[] | undefined,
  markers: readonly RegExp[],
  docMarkers: readonly RegExp[],
): CaseReport {
  const expected = c.data.expected;
  left.brokenOutput = left.ok
    ? brokenReason(left.rendered!, [], expected, normalizers, markers, docMarkers)
    : undefined;
  left.broken = left.ok
    ? (left.brokenOutput ?? brokenReason(left.rendered!, left.warnings, undefined, normalizers, []))
    : `render failed: ${left.error!.message}`;
  if (right.ok) right.broken = brokenReason(right.rendered!, [], expected, normalizers, markers, docMarkers);
  const finish = (category: ParityCategory, reason: string, files: FileComparison[] = []): CaseReport => {
    // an undeclared case must pass; fail and regression are problems already, so only an undeclared improvement needs flagging
    const declared = c.data.expect ?? (category === 'improvement' ? 'pass' : category);
    return {
      id: c.id,
      name: c.data.name ?? c.id,
      category,
      reason,
      left: publicSide(left),
      right: publicSide(right),
      files,
      ...(declared !== category ? { expectedCategory: declared } : {}),
    };
  };

  if (!right.ok) {
    // a fallback warning makes v1's output broken only when v2 rejects that same field
    const fellBack = left.ok ? left.warnings.find((w) => namesRejectedField(w, right.error!.message)) : undefined;
    if (left.ok && !left.brokenOutput && fellBack)
      left.broken = `fell back on a field ${right.label} rejects: ${fellBack}`;
    else if (left.ok && !left.brokenOutput) left.broken = undefined;
    if (left.broken && right.error!.validation)
      return finish(
        'improvement',
        `${left.label} ${left.broken}; ${right.label} rejects the input: ${right.error!.message}`,
      );
    if (!left.ok) return finish('fail', `both sides fail: ${left.error!.message} / ${right.error!.message}`);
    if (right.error!.validation) return finish('regression', rejectedInput(left, right));
    return finish(
      'regression',
      `${left.label} rendered${left.broken ? ` (${left.broken})` : ''} but ${right.label} fails: ${right.error!.message}`,
    );
  }
  if (!left.ok) {
    if (right.broken) return finish('fail', `${left.label} fails and ${right.label} output ${right.broken}`);
    return finish('improvement', `${left.label} fails (${left.error!.message}); ${right.label} renders`);
  }
  if (right.broken) return finish('fail', `${right.label} output ${right.broken}`);
  if (left.brokenOutput)
    return finish(
      'improvement',
      `${left.label} output ${left.brokenOutput}; ${right.label} renders cleanly`,
      compareFiles(left, right, normalizers),
    );
  // two empty renderings agree on nothing: no output was compared, so the case cannot pass
  if (left.rendered!.files.length === 0 && right.rendered!.files.length === 0)
    return finish('fail', `neither ${left.label} nor ${right.label} produced any file: nothing was compared`);
  const files = compareFiles(left, right, normalizers);
  const different = files.filter((f) => f.verdict.kind === 'different');
  if (different.length > 0)
    return finish('fail', different.map((f) => describeFileComparison(f, [left.label, right.label])).join('; '), files);
  const equivalent = files.filter((f) => f.verdict.kind === 'equivalent');
  return finish(
    'pass',
    equivalent.length === 0
      ? 'identical'
      : `equivalent (${[...new Set(equivalent.flatMap((f) => (f.verdict as { rules: string[] }).rules))].join(', ')})`,
    files,
  );
}

function publicSide(side: SideRun): SideResult {
  const { rendered: _rendered, brokenOutput: _brokenOutput, ...rest } = side;
  return rest;
}

/**
 * Why an input the right side's schema rejects, and the left side rendered without a sign of breakage,
 * is a regression: the same input no longer renders. Names the schema's rules when the error has them.
 */
function rejectedInput(left: SideRun, right: SideRun): string {
  const error = right.error!;
  const rules = error.rules ? error.rules.join('; ') : error.message;
  return `input accepted by ${left.label} is rejected by ${right.label}'s schema: ${rules}`;
}

/** The `path: message` of each diagnostic a validation error carries (St3Error `diagnostics`), else none. */
function rulesOf(error: unknown): string[] {
  const diagnostics = (error as { diagnostics?: unknown })?.diagnostics;
  if (!Array.isArray(diagnostics)) return [];
  return diagnostics.flatMap((d: { path?: unknown; message?: unknown }) => {
    if (typeof d?.message !== 'string') return [];
    const path = Array.isArray(d.path) && d.path.length > 0 ? d.path.join('.') : '(root)';
    return [`${path}: ${d.message}`];
  });
}

/** Does a fallback warning (`"title" not given; using ''`) name a field the validation error names? */
function namesRejectedField(warning: string, error: string): boolean {
  const field = /["'`]([\w.-]+)["'`]/.exec(warning)?.[1];
  if (!field) return false;
  const escaped = field.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[\\s;:(,"'\`])${escaped}([.:\\[\\s"'\`),]|$)`).test(error);
}

/** Every path on either side compared; a path one side lacks is a difference. */
function compareFiles(left: SideRun, right: SideRun, normalizers: readonly Normalizer[] | undefined): FileComparison[] {
  return compareRenderedFiles(
    { label: left.label, files: left.rendered!.files },
    { label: right.label, files: right.rendered!.files },
    normalizers,
  );
}

function brokenReason(
  rendered: Rendered,
  warnings: readonly string[],
  expected: Record<string, string> | undefined,
  normalizers: readonly Normalizer[] | undefined,
  markers: readonly RegExp[],
  documentMarkers: readonly RegExp[] = [],
): string | undefined {
  for (const file of rendered.files) {
    const language = languageOf(file.path);
    const all = language === 'markdown' || language === 'text' ? [...markers, ...documentMarkers] : markers;
    for (const marker of all) {
      const hit = marker.exec(file.content);
      if (hit)
        return `renders "${hit[0]}" in ${file.path} (line ${file.content.slice(0, hit.index).split('\n').length})`;
    }
  }
  if (expected) {
    const byPath = new Map(rendered.files.map((f) => [f.path, f.content]));
    for (const [path, content] of Object.entries(expected)) {
      const actual = byPath.get(path);
      if (actual === undefined) return `does not produce expected ${path}`;
      const verdict = compareOutputs(content, actual, { path, normalizers });
      if (verdict.kind === 'different') return `differs from expected ${path}: ${describeVerdict(verdict)}`;
    }
  }
  if (warnings.length > 0) return `reported ${warnings.length} fallback warning(s): ${warnings[0]}`;
  return undefined;
}

function stats(times: readonly number[]): TimingStats {
  return { median: percentile(times, 50), p95: percentile(times, 95), count: times.length };
}

function ratio(a: number, b: number): number {
  if (b === 0) return a === 0 ? 1 : Number.POSITIVE_INFINITY;
  return a / b;
}
