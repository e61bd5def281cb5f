import { describe, expect, it } from 'vitest';
import type { GraphInput } from '@st3/schemas';
import {
  backoffDelay,
  buildFeedback,
  createVirtualClock,
  defaultClassifier,
  execute,
  paramsForAttempt,
  type NodeContext,
} from '../src/index.js';

const one: GraphInput = { nodes: [{ id: 'gen' }], edges: [] };
const ctx = { nodeId: 'n', attempt: 1, timedOut: false, params: {} };

describe('classifier', () => {
  it.each([
    ['SyntaxError: invalid syntax (x.py, line 3)', 'syntax', true],
    ['src/a.ts(3,5): error TS2322: Type string is not assignable to type number', 'type', true],
    ['AssertionError: expected 2 to equal 3', 'logic', true],
    ["ModuleNotFoundError: No module named 'numpy'", 'dependency', false],
    ['prompt is too long: maximum context length is 8192 tokens', 'context', true],
    ['something odd happened', 'unknown', true],
  ])('%s → %s', (message, category, retryable) => {
    expect(defaultClassifier(new Error(message), ctx)).toMatchObject({ category, retryable });
  });

  it('honours a category declared on the error and halves the context on overflow', () => {
    expect(defaultClassifier(Object.assign(new Error('x'), { category: 'type' }), ctx).category).toBe('type');
    expect(
      defaultClassifier(new Error('context window exceeded'), { ...ctx, params: { contextScale: 0.5 } }).adjust,
    ).toEqual({ contextScale: 0.25 });
  });
});

describe('retry schedule and backoff', () => {
  it('uses temperature 0.7 → 0.5 → 0.3 and repeats the last entry', () => {
    const schedule = [{ temperature: 0.7 }, { temperature: 0.5 }, { temperature: 0.3 }];
    expect([1, 2, 3, 4].map((a) => paramsForAttempt(schedule, a).temperature)).toEqual([0.7, 0.5, 0.3, 0.3]);
  });

  it('backs off 1 s → 2 s → 4 s with bounded jitter', () => {
    expect([0, 1, 2].map((r) => backoffDelay(r, {}, () => 0.5))).toEqual([1000, 2000, 4000]);
    expect(backoffDelay(0, {}, () => 0)).toBe(900);
    expect(backoffDelay(0, {}, () => 0.999999)).toBe(1100);
    expect(backoffDelay(10, { maxMs: 5000, jitter: 0 })).toBe(5000);
  });

  it('feedback names the category and message of the previous failure', () => {
    expect(buildFeedback(1, { category: 'syntax', message: 'SyntaxError: bad' })).toMatch(
      /^Attempt 1 failed with a syntax error: SyntaxError: bad\n/,
    );
  });
});

describe('execute: retries with feedback', () => {
  it('retries with the schedule, feedback and backoff, on a virtual clock (no real waiting)', async () => {
    const clock = createVirtualClock({ auto: true });
    const contexts: Pick<NodeContext, 'attempt' | 'params' | 'feedback'>[] = [];
    const started = Date.now();
    const r = await execute(
      one,
      async (_node, c) => {
        contexts.push({ attempt: c.attempt, params: c.params, feedback: c.feedback });
        if (c.attempt === 1) throw new Error('SyntaxError: unexpected EOF');
        if (c.attempt === 2) throw new Error('TypeError: x is not a function');
        return 'ok';
      },
      { clock, random: () => 0.5 },
    );
    expect(Date.now() - started).toBeLessThan(1000);
    expect(contexts.map((c) => c.params.temperature)).toEqual([0.7, 0.5, 0.3]);
    expect(contexts[0]!.feedback).toBeUndefined();
    expect(contexts[1]!.feedback).toMatch(/syntax error: SyntaxError: unexpected EOF/);
    expect(contexts[2]!.feedback).toMatch(/type error: TypeError/);
    expect(clock.sleeps).toEqual([1000, 2000]);
    expect(clock.now()).toBe(3000);
    const attempts = r.nodes.gen!.attempts;
    expect(attempts.map((a) => [a.ok, a.error?.category, a.backoffMs])).toEqual([
      [false, 'syntax', 1000],
      [false, 'type', 2000],
      [true, undefined, undefined],
    ]);
    expect(r.stats).toMatchObject({
      attempts: 3,
      retries: 2,
      retriedNodes: 1,
      recoveredByRetry: 1,
      retriesByCategory: { syntax: 1, type: 1 },
    });
  });

  it('does not retry what the classifier calls non-retryable', async () => {
    let calls = 0;
    const r = await execute(
      one,
      async () => {
        calls++;
        throw new Error("ModuleNotFoundError: No module named 'x'");
      },
      { clock: createVirtualClock({ auto: true }) },
    );
    expect(calls).toBe(1);
    expect(r.nodes.gen).toMatchObject({ status: 'failed', error: { category: 'dependency' } });
    expect(r.stats.failuresByCategory).toEqual({ dependency: 1 });
  });

  it('gives up after the configured retries and keeps the whole history', async () => {
    const r = await execute(
      one,
      async () => {
        throw new Error('AssertionError');
      },
      { clock: createVirtualClock({ auto: true }), retries: 4, random: () => 0.5 },
    );
    expect(r.nodes.gen!.attempts).toHaveLength(5);
    expect(r.nodes.gen!.attempts.map((a) => a.backoffMs)).toEqual([1000, 2000, 4000, 8000, undefined]);
    expect(r.nodes.gen!.attempts.map((a) => a.params.temperature)).toEqual([0.7, 0.5, 0.3, 0.3, 0.3]);
  });

  it('passes review feedback to the first attempt and accepts a custom classifier', async () => {
    const seen: (string | undefined)[] = [];
    const r = await execute(
      one,
      async (_n, c) => {
        seen.push(c.feedback);
        throw new Error('boom');
      },
      {
        feedback: { gen: 'Reviewer feedback: use a dict' },
        classifier: () => ({ category: 'logic', message: 'custom', retryable: false }),
      },
    );
    expect(seen).toEqual(['Reviewer feedback: use a dict']);
    expect(r.nodes.gen!.error).toEqual({ category: 'logic', message: 'custom' });
  });
});
