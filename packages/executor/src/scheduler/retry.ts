import type { AttemptParams, ErrorCategory } from '@st3/schemas';

/** What the classifier decided about one failed attempt. */
export interface Classification {
  category: ErrorCategory;
  /** The error's message, trimmed to what feedback needs. */
  message: string;
  retryable: boolean;
  /** The error's St3Error code, when it has one. */
  code?: string;
  /** Changes to the next attempt's parameters (e.g. a longer timeout after a timeout). */
  adjust?: Partial<AttemptParams> & { timeoutMs?: number };
}

export interface ClassifyContext {
  nodeId: string;
  attempt: number;
  /** The attempt was stopped by its per-node timeout. */
  timedOut: boolean;
  /** The attempt's parameters (to derive adjustments from). */
  params: AttemptParams;
  timeoutMs?: number;
}

export type ErrorClassifier = (error: unknown, context: ClassifyContext) => Classification;

/** Ordered: the first matching pattern wins, so specific ones come before general ones. */
const PATTERNS: [ErrorCategory, RegExp][] = [
  ['timeout', /\b(timed? ?out|timeout|ETIMEDOUT|deadline exceeded)\b/i],
  ['context', /\b(context (length|window)|maximum context|too many tokens|token limit|prompt is too long)\b/i],
  [
    'dependency',
    /\b(ModuleNotFoundError|ImportError|Cannot find module|Cannot find package|ERR_MODULE_NOT_FOUND|No module named|command not found|ENOENT|not installed)\b/i,
  ],
  [
    'syntax',
    /\b(SyntaxError|IndentationError|TabError|Unexpected token|Unterminated|parse error|invalid syntax|TS1\d{3})\b/i,
  ],
  [
    'type',
    /\b(TypeError|error TS\d+|TS2\d{3}|is not assignable|mypy|incompatible type|AttributeError|NameError|ReferenceError|is not a function|is not defined)\b/i,
  ],
  [
    'logic',
    /\b(AssertionError|assert(ion)? failed|expected .* (to|but)|tests? failed|FAILED|ValueError|RangeError|wrong (answer|result))\b/i,
  ],
];

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error);
  } catch {
    return String(error);
  }
}

/** Keeps feedback short: the last lines of long tool output carry the error. */
export function trimMessage(message: string, maxChars = 2000): string {
  const text = message.trim();
  if (text.length <= maxChars) return text;
  return `…${text.slice(text.length - maxChars + 1)}`;
}

/**
 * The default classifier: the error's own `category` when it has one, else the error's name and
 * message matched against known patterns of Python, TypeScript and Node failures; an error carrying
 * `retryable: false` is never retried. Dependency errors (a missing module or program) are not
 * retried: the next attempt would fail the same way. A timeout is retried with twice the time; a
 * context overflow with half the context.
 */
export const defaultClassifier: ErrorClassifier = (error, context) => {
  const classified = classify(error, context);
  // An error that says another attempt cannot help (a file that cannot be written) is not retried.
  const verdict =
    (error as { retryable?: unknown } | null)?.retryable === false ? { ...classified, retryable: false } : classified;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^E_[A-Z0-9_]+$/.test(code) ? { ...verdict, code } : verdict;
};

function classify(error: unknown, context: ClassifyContext): Classification {
  const message = trimMessage(messageOf(error));
  const declared = (error as { category?: unknown } | null)?.category;
  let category: ErrorCategory = 'unknown';
  if (context.timedOut) category = 'timeout';
  else if (typeof declared === 'string' && isCategory(declared)) category = declared;
  else {
    const haystack = `${error instanceof Error ? error.name : ''} ${message}`;
    for (const [cat, re] of PATTERNS) {
      if (re.test(haystack)) {
        category = cat;
        break;
      }
    }
  }
  switch (category) {
    case 'dependency':
      return { category, message, retryable: false };
    case 'timeout':
      return {
        category,
        message,
        retryable: true,
        adjust: context.timeoutMs ? { timeoutMs: context.timeoutMs * 2 } : undefined,
      };
    case 'context': {
      const scale = typeof context.params.contextScale === 'number' ? context.params.contextScale : 1;
      return { category, message, retryable: true, adjust: { contextScale: scale / 2 } };
    }
    default:
      return { category, message, retryable: true };
  }
}

const CATEGORIES = new Set<string>(['syntax', 'type', 'logic', 'timeout', 'dependency', 'context', 'unknown']);
function isCategory(value: string): value is ErrorCategory {
  return CATEGORIES.has(value);
}

const GUIDANCE: Record<ErrorCategory, string> = {
  syntax: 'Return code that parses: check brackets, indentation and string quotes.',
  type: 'Check the types and names used against their definitions; do not call what is not defined.',
  logic: 'The code ran but produced the wrong result; re-read the expected behaviour and fix the logic, not the test.',
  timeout: 'The attempt took too long; avoid unbounded loops and blocking calls.',
  dependency: 'A module or program it needs is missing; use only what is available.',
  context: 'The input was too large; focus on the essential part.',
  unknown: 'Look at the error message and address its cause.',
};

/** One line of advice for retrying after a failure of this category. */
export function guidanceFor(category: ErrorCategory): string {
  return GUIDANCE[category];
}

/** The feedback text handed to the next attempt. */
export function buildFeedback(attempt: number, failure: Pick<Classification, 'category' | 'message'>): string {
  return `Attempt ${attempt} failed with a ${failure.category} error: ${failure.message}\n${GUIDANCE[failure.category]}`;
}

export interface BackoffOptions {
  /** First wait (default 1000 ms). */
  baseMs?: number;
  /** Growth per retry (default 2: 1 s → 2 s → 4 s). */
  factor?: number;
  /** Upper bound (default 60 s). */
  maxMs?: number;
  /** ± fraction of random spread (default 0.1). */
  jitter?: number;
}

/** The wait before retry number `retry` (0-based), with jitter from `random` (in [0, 1)). */
export function backoffDelay(retry: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
  const base = options.baseMs ?? 1000;
  const factor = options.factor ?? 2;
  const max = options.maxMs ?? 60_000;
  const jitter = options.jitter ?? 0.1;
  const raw = Math.min(max, base * factor ** retry);
  return Math.max(0, Math.round(raw * (1 + jitter * (random() * 2 - 1))));
}

export const DEFAULT_SCHEDULE: AttemptParams[] = [{ temperature: 0.7 }, { temperature: 0.5 }, { temperature: 0.3 }];

/** Parameters of attempt `attempt` (1-based): the schedule's entry, the last one repeating. */
export function paramsForAttempt(schedule: readonly AttemptParams[], attempt: number): AttemptParams {
  if (schedule.length === 0) return {};
  return { ...schedule[Math.min(attempt - 1, schedule.length - 1)] };
}

export interface RetryOptions {
  /** Retries after the first attempt (default 2, so three attempts). */
  retries?: number;
  schedule?: AttemptParams[];
  classifier?: ErrorClassifier;
  backoff?: BackoffOptions;
  /** Source of jitter (default Math.random); tests pass a fixed one. */
  random?: () => number;
}
