import { describe, expect, it } from 'vitest';
import { aggregate, createCollector } from '@st3/telemetry';
import { createScaffolder } from '../src/index.js';
import { SAMPLE_CONTEXTS } from './fixtures/contexts.js';

describe('scaffolder telemetry handle', () => {
  it('counts artifacts and files rendered per type, and render time; failed renders are not counted', async () => {
    const telemetry = createCollector({ agent: 'scaffold' });
    const s = await createScaffolder({ now: () => new Date('2026-01-02T03:04:05Z'), telemetry });
    const types = Object.keys(SAMPLE_CONTEXTS).slice(0, 3);
    const files: Record<string, number> = {};
    for (const type of types) {
      const sample = SAMPLE_CONTEXTS[type]![0]!;
      files[type] = s.render({ type, name: sample.name, context: sample.context }).files.length;
      files[type] += s.render({ type, name: sample.name, context: sample.context }).files.length;
    }
    expect(() => s.render({ type: 'no-such-type', name: 'x' })).toThrow();
    const snap = telemetry.snapshot();
    for (const type of types) {
      expect(snap.counters.find((c) => c.name === 'scaffolder.artifacts' && c.labels.type === type)?.value).toBe(2);
      expect(snap.counters.find((c) => c.name === 'scaffolder.files' && c.labels.type === type)?.value ?? 0).toBe(
        files[type],
      );
      expect(snap.histograms.find((h) => h.name === 'scaffolder.render_ms' && h.labels.type === type)?.count).toBe(2);
    }
    expect(aggregate([snap]).counters.get('scaffolder.artifacts')).toBe(types.length * 2);
  });
});
