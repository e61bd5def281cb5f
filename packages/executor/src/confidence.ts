import type { ConfidenceLevel } from '@st3/schemas';

/**
 * How sure we are that a generated node is right, from four signals: validation results (40%),
 * attempts needed (30%), complexity (20%) and integration tests (10%). A signal that is unknown
 * is left out and the weights of the known ones are scaled up to sum to 1 (so "no tests ran"
 * neither rewards nor punishes a node); `components` shows which signals counted.
 */
export interface ConfidenceInput {
  /** Validation checks: a score in [0, 1], pass/fail, or passed/total counts. */
  validation?: number | boolean | { passed: number; total: number };
  /** Attempts the node needed (1 = first try). */
  attempts?: number;
  /** Attempts it was allowed (default 3). */
  maxAttempts?: number;
  /** Cyclomatic complexity of the node's code. */
  complexity?: number;
  /** Integration tests touching the node: a score, pass/fail, or counts. */
  integrationTests?: number | boolean | { passed: number; total: number };
}

export interface ConfidenceOptions {
  weights?: Partial<Record<'validation' | 'attempts' | 'complexity' | 'integrationTests', number>>;
  /** Complexity at or below which the complexity signal is 1 (default 5). */
  complexityLow?: number;
  /** Complexity at or above which it is 0 (default 25). */
  complexityHigh?: number;
}

export interface ConfidenceScore {
  score: number;
  level: ConfidenceLevel;
  /** Each known signal's value in [0, 1]. */
  components: Record<string, number>;
}

export const DEFAULT_WEIGHTS = { validation: 0.4, attempts: 0.3, complexity: 0.2, integrationTests: 0.1 } as const;
export const LEVEL_THRESHOLDS = { high: 0.85, medium: 0.7, low: 0.5 } as const;
/** Review priority by level: the least sure first. */
export const LEVEL_PRIORITY: Record<ConfidenceLevel, number> = { critical: 100, low: 75, medium: 50, high: 25 };

export function confidenceLevel(score: number): ConfidenceLevel {
  if (score >= LEVEL_THRESHOLDS.high) return 'high';
  if (score >= LEVEL_THRESHOLDS.medium) return 'medium';
  if (score >= LEVEL_THRESHOLDS.low) return 'low';
  return 'critical';
}

const clamp01 = (x: number) => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);

function ratio(value: number | boolean | { passed: number; total: number }): number {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return clamp01(value);
  return value.total > 0 ? clamp01(value.passed / value.total) : 1;
}

export function scoreConfidence(input: ConfidenceInput, options: ConfidenceOptions = {}): ConfidenceScore {
  const weights = { ...DEFAULT_WEIGHTS, ...options.weights };
  const components: Record<string, number> = {};
  if (input.validation !== undefined) components.validation = ratio(input.validation);
  if (input.attempts !== undefined) {
    const max = Math.max(1, input.maxAttempts ?? 3);
    // First try 1; each extra attempt costs 1/max; exhausting every attempt scores 1/max.
    components.attempts = clamp01(1 - (Math.max(1, input.attempts) - 1) / max);
  }
  if (input.complexity !== undefined) {
    const low = options.complexityLow ?? 5;
    const high = options.complexityHigh ?? 25;
    components.complexity = clamp01(1 - (input.complexity - low) / (high - low));
  }
  if (input.integrationTests !== undefined) components.integrationTests = ratio(input.integrationTests);
  let sum = 0;
  let weightSum = 0;
  for (const [key, value] of Object.entries(components)) {
    const w = weights[key as keyof typeof weights];
    sum += w * value;
    weightSum += w;
  }
  // Nothing known: no grounds for confidence.
  const score = weightSum > 0 ? Math.round((sum / weightSum) * 1e4) / 1e4 : 0;
  for (const key of Object.keys(components)) components[key] = Math.round(components[key]! * 1e4) / 1e4;
  return { score, level: confidenceLevel(score), components };
}

export interface BatchConfidence<K> {
  items: (ConfidenceScore & { key: K; priority: number })[];
  byLevel: Record<ConfidenceLevel, number>;
  mean: number;
}

/** Scores many nodes; items come back lowest confidence first (the review order). */
export function scoreBatch<K>(
  inputs: Iterable<{ key: K } & ConfidenceInput>,
  options: ConfidenceOptions = {},
): BatchConfidence<K> {
  const items: BatchConfidence<K>['items'] = [];
  const byLevel: Record<ConfidenceLevel, number> = { high: 0, medium: 0, low: 0, critical: 0 };
  let sum = 0;
  for (const input of inputs) {
    const s = scoreConfidence(input, options);
    items.push({ ...s, key: input.key, priority: LEVEL_PRIORITY[s.level] });
    byLevel[s.level]++;
    sum += s.score;
  }
  items.sort((a, b) => a.score - b.score);
  return { items, byLevel, mean: items.length > 0 ? sum / items.length : 0 };
}
