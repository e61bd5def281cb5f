// test/unit/user-profile.test.ts
// template=unit_test version=6c70ce0f created=2026-01-02T03:04:05Z updated=
import { describe, expect, it } from 'vitest';
import { parseUserProfile, safeParseUserProfile } from '../../src/dtos/user-profile.js';

describe('UserProfile', () => {
  const valid = { id: 'example', email: 'example', score: 1.5, active: true, createdAt: '2024-01-01T00:00:00Z', tags: ['example'] };

  it('accepts a valid value', () => {
    expect(parseUserProfile(valid)).toEqual(valid);
  });

  it('rejects unknown fields', () => {
    expect(safeParseUserProfile({ ...valid, unexpected: true }).success).toBe(false);
  });

  it('requires id', () => {
    const { id: _omitted, ...rest } = valid;
    expect(safeParseUserProfile(rest).success).toBe(false);
  });
});
