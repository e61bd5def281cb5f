// The compile-time check of the tools' hand-written output schemas (`declares` of src/tools/common.ts):
// tsc must refuse a schema that lacks a field the library's type has, at any depth — the
// `@ts-expect-error` lines fail the type check (`tsc --noEmit`, which covers test/) the day `declares`
// stops seeing one. The case the check exists for: `run_quality_gates` once copied the gate-run schema
// without `not_checked`, and answered E_INTERNAL when a gate listed files it did not check.
import { GateResultSchema, GateRunResultSchema, type GateRunResult } from '@st3/schemas';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { declares, type UndeclaredFields } from '../src/tools/common.js';

const Item = z.object({ id: z.string(), size: z.number().optional() });
const Doc = z.object({ ok: z.boolean(), items: z.array(Item), meta: z.object({ at: z.string() }) });
type DocOut = z.output<typeof Doc>;

describe('declares (output schema against the library type)', () => {
  it('passes a schema that declares every field, optional ones included', () => {
    declares<DocOut, { ok: boolean; items: { id: string; size?: number }[]; meta: { at: string } }>(true);
    declares<DocOut, { ok: boolean }>(true); // a field the library never sets is harmless
    declares<z.output<typeof GateRunResultSchema>, GateRunResult>(true);
    expect(Doc.parse({ ok: true, items: [], meta: { at: 'now' } }).ok).toBe(true);
  });

  it('names a top-level field the schema lacks, optional or not', () => {
    // @ts-expect-error `note` is not declared
    declares<DocOut, { ok: boolean; note?: string }>(true);
    const missing: UndeclaredFields<{ ok: boolean; note?: string }, DocOut> = '.note';
    expect(missing).toBe('.note');
  });

  it('names a field of an array of objects and of a nested object', () => {
    // @ts-expect-error `items[].hash` is not declared
    declares<DocOut, { items: { id: string; hash?: string }[] }>(true);
    // @ts-expect-error `meta.by` is not declared
    declares<DocOut, { meta: { at: string; by: string } }>(true);
    const missing: UndeclaredFields<{ items: readonly { id: string; hash: string }[] }, DocOut> = '.items[].hash';
    expect(missing).toBe('.items[].hash');
  });

  it('refuses a library type open to any key (Record<string, unknown>) against a closed schema', () => {
    // @ts-expect-error `meta` may hold any key at run time; the schema closes it
    declares<DocOut, { meta: { at: string } & Record<string, unknown> }>(true);
    declares<{ meta: Record<string, unknown> }, { meta: { at: string; by: string } }>(true); // an open schema declares all
  });

  it('would have caught the gate-run copy without not_checked', () => {
    const CopyWithoutNotChecked = GateRunResultSchema.extend({
      gates: z.array(GateResultSchema.omit({ not_checked: true })),
    });
    // @ts-expect-error `gates[].not_checked` is not declared
    declares<z.output<typeof CopyWithoutNotChecked>, GateRunResult>(true);
    expect(Object.keys(CopyWithoutNotChecked.shape.gates.element.shape)).not.toContain('not_checked');
  });
});
