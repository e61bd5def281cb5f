import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { writeInSlices } from '../src/output.js';

/** What a byte stream receives: each write encoded to UTF-8 on its own, as a real stream does. */
function bytesWritten(text: string, slice: number): { bytes: Buffer; writes: number } {
  const chunks: Buffer[] = [];
  writeInSlices({ write: (chunk: string) => chunks.push(Buffer.from(chunk, 'utf8')) }, text, slice);
  return { bytes: Buffer.concat(chunks), writes: chunks.length };
}

describe('writeInSlices', () => {
  it('writes exactly the UTF-8 of the text, whatever the slice size (no surrogate pair cut in two)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), fc.integer({ min: 1, max: 50 }), (text, slice) => {
        expect(bytesWritten(text, slice).bytes.equals(Buffer.from(text, 'utf8'))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('writes a small document in one piece and a large one in slices', () => {
    expect(bytesWritten('{"ok": true}\n', 1 << 20).writes).toBe(1);
    const large = JSON.stringify({ emoji: '😀'.repeat(1_500_000) });
    const { bytes, writes } = bytesWritten(large, 1 << 20);
    expect(writes).toBe(3);
    expect(bytes.toString('utf8')).toBe(large);
  });
});
