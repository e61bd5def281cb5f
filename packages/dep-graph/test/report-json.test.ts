import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AtomizeOutputSchema, type AtomizeOutput } from '@st3/schemas';
import { planValidationJson, validatePlan } from '../src/index.js';

const load = (): AtomizeOutput =>
  AtomizeOutputSchema.parse(JSON.parse(readFileSync(new URL('./fixtures/atoms-small.json', import.meta.url), 'utf8')));

describe('planValidationJson', () => {
  it('carries the verdict, scores, levels, results and graph stats, and leaves the graph out', () => {
    const report = validatePlan(load(), { paths: { '@app/*': ['src/*'] }, baseUrl: '.', includePassing: true });
    const json = planValidationJson(report);
    expect(Object.keys(json)).toEqual(['ok', 'passed', 'score', 'levels', 'results', 'stats', 'skipped']);
    expect(json.skipped).toEqual([]);
    expect(json.ok).toBe(report.passed);
    expect(json.levels).toBe(report.levels);
    expect(json.results.length).toBeGreaterThan(0);
    expect(json.stats).toBe(report.analysis.stats);
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });

  it('is not ok when a check found an error', () => {
    const report = validatePlan(load(), { forbidden: [{ from: 'src', to: 'src' }] });
    const json = planValidationJson(report);
    expect(json.passed).toBe(false);
    expect(json.ok).toBe(false);
  });
});
