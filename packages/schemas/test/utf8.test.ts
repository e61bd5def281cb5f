import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeUtf8, firstInvalidUtf8 } from '../src/index.js';

describe('decodeUtf8', () => {
  it('returns exactly the text of UTF-8 bytes (a BOM kept), else E_FILE_ENCODING at the first bad byte', () => {
    expect(decodeUtf8(Buffer.from('\uFEFFé\n'), 'a.txt')).toBe('\uFEFFé\n');
    expect(() => decodeUtf8(Buffer.from([0x61, 0x0a, 0x62, 0x63, 0xfe, 0x0a]), 'a.txt')).toThrow(
      expect.objectContaining({ code: 'E_FILE_ENCODING', file: 'a.txt', line: 2, column: 3 }),
    );
  });

  it('property: round-trips every valid input; throws exactly when the WHATWG decoder (fatal) refuses', () => {
    const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 24 }),
      fc.string({ unit: 'binary', maxLength: 12 }).map((s) => new Uint8Array(Buffer.from(s, 'utf8'))),
    );
    fc.assert(
      fc.property(bytes, (b) => {
        let valid = true;
        try {
          strict.decode(b);
        } catch {
          valid = false;
        }
        expect(firstInvalidUtf8(b) === undefined).toBe(valid);
        if (valid) expect(Buffer.from(decodeUtf8(b, 'x'), 'utf8').equals(Buffer.from(b))).toBe(true);
        else expect(() => decodeUtf8(b, 'x')).toThrow(expect.objectContaining({ code: 'E_FILE_ENCODING' }));
      }),
      { numRuns: 2000 },
    );
  });
});
