// test/unit/app-config.test.ts
// template=unit_test version=61816959 created=2026-01-02T03:04:05Z updated=
import { describe, expect, it } from 'vitest';
import { loadAppConfig, AppConfigError } from '../../src/schemas/app-config.js';

describe('loadAppConfig', () => {
  const minimal = { apiKey: 'example' };

  it('accepts a minimal configuration and applies the defaults', () => {
    const config = loadAppConfig(minimal);
    expect(config.port).toEqual(8080);
    expect(config.host).toEqual("localhost");
    expect(config.features).toEqual([]);
    expect(config).toMatchObject(minimal);
  });

  it('refuses unknown settings', () => {
    expect(() => loadAppConfig({ ...minimal, unknownSetting: true })).toThrow(AppConfigError);
  });
});
