import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isSt3Error, ReviewQueueSchema } from '@st3/schemas';
import { createReviewQueue, scoreConfidence, type ReviewQueueApi } from '../src/index.js';

let dir: string;
let queue: ReviewQueueApi;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'st3-review-'));
  queue = createReviewQueue(join(dir, '.st3', 'review'), { now: () => new Date('2026-01-01T00:00:00Z') });
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const code = 'def f(x):\n    print(x)\n    return x\n';
const code2 = (n: number) => `def g${n}():\n    return ${n}\n`;
const code3 = 'def f(x):\n    return x\n';
const code4 = 'def f(x):\n    return x * 2\n';
const expectCode = (p: Promise<unknown>, c: string) => expect(p).rejects.toSatisfy((e: unknown) => isSt3Error(e, c));

describe('review queue', () => {
  it('adds items with confidence, priority, detected issues and validation', async () => {
    const item = await queue.add({
      nodeId: 'n1',
      file: 'src/a.py',
      code,
      confidence: scoreConfidence({ validation: true, attempts: 3, complexity: 2 }),
    });
    expect(item).toMatchObject({ id: 'r1', status: 'pending', language: 'python', validation: { ok: true } });
    expect(item.confidence.level).toBe('medium');
    expect(item.priority).toBe(50);
    expect(item.issues.map((i) => i.rule)).toEqual(['python/print']);
    const low = await queue.add({ nodeId: 'n2', code: code2(2), language: 'python', confidence: 0.3 });
    expect(low).toMatchObject({ id: 'r2', priority: 100, confidence: { level: 'critical' } });
    expect((await queue.list()).map((i) => i.id)).toEqual(['r2', 'r1']);
    // The file is valid against its schema and no temp or lock file is left.
    const saved = ReviewQueueSchema.parse(JSON.parse(await readFile(queue.file, 'utf8')));
    expect(saved.items).toHaveLength(2);
    expect((await readdir(join(dir, '.st3', 'review'))).sort()).toEqual(['queue.json']);
  });

  it('selects the lowest N% of pending items for review', async () => {
    for (const [i, score] of [0.9, 0.4, 0.75, 0.6, 0.95].entries())
      await queue.add({ nodeId: `n${i}`, code: code2(i), language: 'python', confidence: score });
    expect((await queue.select(40)).map((i) => i.confidence.score)).toEqual([0.4, 0.6]);
    expect((await queue.select(1)).map((i) => i.confidence.score)).toEqual([0.4]);
    expect(await queue.select(0)).toEqual([]);
    await expectCode(queue.select(120), 'E_USAGE');
  });

  it('enforces pending | in_review → approved | rejected | needs_regeneration, with approve straight from pending', async () => {
    const a = await queue.add({ nodeId: 'a', code: code3, language: 'python', confidence: 0.8 });
    await queue.assign(a.id, 'ana');
    const approved = await queue.approve(a.id, { feedback: 'fine' });
    expect(approved).toMatchObject({ status: 'approved', reviewer: 'ana', feedback: 'fine' });
    expect(approved.history.map((h) => `${h.from ?? ''}>${h.to}`)).toEqual([
      '>pending',
      'pending>in_review',
      'in_review>approved',
    ]);
    await expectCode(queue.reject(a.id, { feedback: 'late' }), 'E_REVIEW_TRANSITION');
    await expectCode(queue.approve(a.id), 'E_REVIEW_TRANSITION');

    const quick = await queue.add({ nodeId: 'q', code: code3, language: 'python', confidence: 0.8 });
    expect((await queue.approve(quick.id)).history.map((h) => `${h.from ?? ''}>${h.to}`)).toEqual([
      '>pending',
      'pending>approved',
    ]);

    const b = await queue.add({ nodeId: 'b', code: code3, language: 'python', confidence: 0.8 });
    await queue.assign(b.id, 'bo');
    await expectCode(queue.reject(b.id, {}), 'E_REVIEW_FEEDBACK_REQUIRED');
    expect((await queue.reject(b.id, { feedback: 'wrong algorithm' })).status).toBe('rejected');
    await expectCode(queue.assign(b.id, 'bo'), 'E_REVIEW_TRANSITION');
    await expectCode(queue.assign('r99', 'x'), 'E_REVIEW_NOT_FOUND');
  });

  it('a refused move hints at what the reviewer can do, never at the moves runs make (resubmit, apply)', async () => {
    const a = await queue.add({ nodeId: 'a', code: code3, language: 'python', confidence: 0.8 });
    const b = await queue.add({ nodeId: 'b', code: code3, language: 'python', confidence: 0.8 });
    await queue.approve(a.id);
    await queue.reject(b.id, { feedback: 'wrong' });
    const hintOf = (p: Promise<unknown>) =>
      p.then(
        () => undefined,
        (e: { code: string; hint?: string }) => `${e.code}: ${e.hint}`,
      );
    expect(await hintOf(queue.approve(b.id))).toBe(
      'E_REVIEW_TRANSITION: the next `st3 execute` regenerates it with the feedback; its new code comes back to r2 as pending',
    );
    expect(await hintOf(queue.reject(a.id, { feedback: 'late' }))).toBe(
      'E_REVIEW_TRANSITION: approved is final: `st3 review show r1` says whether its file still holds its code',
    );
    await queue.add({ nodeId: 'c', code: code3, language: 'python', confidence: 0.8 });
    await queue.assign('r3', 'ana');
    await queue.regenerate('r3', { feedback: 'again' });
    expect(await hintOf(queue.assign('r3', 'bo'))).toMatch(/^E_REVIEW_TRANSITION: the next `st3 execute` regenerates/);
  });

  it('an edit re-validates the code, refuses (saving nothing) code that does not parse, and approves', async () => {
    const a = await queue.add({ nodeId: 'a', code, language: 'python', confidence: 0.6 });
    await expectCode(queue.edit(a.id, 'def f(:\n'), 'E_REVIEW_INVALID_EDIT');
    expect((await queue.get(a.id)).code).toBe(code);
    const edited = await queue.edit(a.id, code3, { by: 'ana', applied: { sha256: 'abc' } });
    expect(edited).toMatchObject({
      code: code3,
      status: 'approved',
      issues: [],
      validation: { ok: true },
      applied: { sha256: 'abc', by: 'ana' },
    });
    await expectCode(queue.edit(a.id, code4), 'E_REVIEW_TRANSITION');
  });

  it('a rejected node keeps its one item: regenerated code resubmits it, feedback goes to the next run', async () => {
    const a = await queue.add({ nodeId: 'n', code: code3, language: 'python', confidence: 0.5 });
    await queue.reject(a.id, { feedback: 'use a loop' });
    expect(await queue.regenerationFeedback()).toEqual({ n: 'Reviewer feedback: use a loop' });
    const again = await queue.add({ nodeId: 'n', code: code4, language: 'python', confidence: 0.6 });
    expect(again).toMatchObject({ id: a.id, status: 'pending', code: code4 });
    expect(again.history.map((h) => h.action)).toEqual(['add', 'reject', 'resubmit']);
    expect(await queue.list()).toHaveLength(1);
    // Code applied outside the queue (a confident regeneration) settles a rejected item.
    await queue.reject(a.id, { feedback: 'still wrong' });
    await queue.markApplied(a.id, { sha256: 'f00', note: 'regenerated and applied by run-x' });
    expect(await queue.regenerationFeedback()).toEqual({});
    const third = await queue.add({ nodeId: 'n', code: code3, language: 'python', confidence: 0.6 });
    expect(third.id).toBe('r2');
  });

  it('regenerate stores feedback for the next run; resubmitted code goes back to pending', async () => {
    const a = await queue.add({ nodeId: 'node-a', code: code3, language: 'python', confidence: 0.55 });
    await queue.assign(a.id, 'ana');
    await expectCode(queue.regenerate(a.id, { feedback: ' ' }), 'E_REVIEW_FEEDBACK_REQUIRED');
    await queue.regenerate(a.id, { feedback: 'handle negative x' });
    expect(await queue.regenerationFeedback()).toEqual({ 'node-a': 'Reviewer feedback: handle negative x' });
    const again = await queue.add({ nodeId: 'node-a', code: code4, language: 'python', confidence: 0.9 });
    expect(again).toMatchObject({ id: a.id, status: 'pending', code: code4, priority: 25 });
    expect(await queue.regenerationFeedback()).toEqual({});
  });

  it('updates a pending item of the same node in place; decided items get a new one', async () => {
    const a = await queue.add({ nodeId: 'a', code: code3, language: 'python', confidence: 0.6 });
    const again = await queue.add({ nodeId: 'a', code: code4, language: 'python', confidence: 0.9 });
    expect(again).toMatchObject({ id: a.id, code: code4, priority: 25 });
    expect(await queue.list()).toHaveLength(1);
    await queue.assign(a.id, 'ana');
    await queue.approve(a.id);
    const next = await queue.add({ nodeId: 'a', code: code3, language: 'python', confidence: 0.6 });
    expect(next.id).toBe('r2');
  });

  it('reports statistics', async () => {
    const a = await queue.add({ nodeId: 'a', code, language: 'python', confidence: 0.9 });
    const b = await queue.add({ nodeId: 'b', code: code3, language: 'python', confidence: 0.4 });
    await queue.assign(a.id, 'ana');
    await queue.approve(a.id);
    await queue.assign(b.id, 'ana');
    await queue.reject(b.id, { feedback: 'no' });
    expect(await queue.stats()).toEqual({
      total: 2,
      byStatus: { pending: 0, in_review: 0, approved: 1, rejected: 1, needs_regeneration: 0 },
      byLevel: { high: 1, medium: 0, low: 0, critical: 1 },
      meanConfidence: 0.65,
      approvalRate: 0.5,
      byReviewer: { ana: 2 },
      issues: { 'python/print': 1 },
    });
  });

  it('serialises concurrent changes through the lock (no lost update)', async () => {
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        queue.add({ nodeId: `n${i}`, code: code2(i), language: 'python', confidence: 0.5 }),
      ),
    );
    const items = await queue.list();
    expect(items.map((i) => i.id).sort()).toEqual(['r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8']);
  });

  it('reports a corrupt queue file with its location', async () => {
    await queue.add({ nodeId: 'a', code: code3, language: 'python', confidence: 0.5 });
    await writeFile(queue.file, '{"version": 1, "items": [{"id": 3}]}');
    await expectCode(queue.list(), 'E_SCHEMA');
  });
});
