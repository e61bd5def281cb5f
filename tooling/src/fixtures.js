// The shared real-world fixtures live outside this repository (../shared/fixtures). A plain clone does not
// have them: tests that need them are skipped there, with their reason in the test name, and fail under CI
// (CI=true), which must never skip them silently.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';

/** The repository root (this file is tooling/src/fixtures.js). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** `../shared/fixtures` beside the repository. */
export const sharedFixtures = resolve(repoRoot, '../shared/fixtures');
/** `../shared/fixtures/real-world`: files copied unchanged from real repositories. */
export const realWorld = join(sharedFixtures, 'real-world');
/** Are the shared fixtures present? */
export const hasSharedFixtures = existsSync(sharedFixtures);

const inCi = () => Boolean(process.env.CI) && process.env.CI !== 'false' && process.env.CI !== '0';
const missing = `needs ${sharedFixtures}, which is missing`;

/**
 * `describe` for suites that read the shared fixtures: when the folder is absent the body is not run and
 * one skipped test carries the reason; under CI the absence is a failing test naming the folder.
 * @param {string} name
 * @param {() => void} fn
 */
export function describeWithFixtures(name, fn) {
  if (hasSharedFixtures) return describe(name, fn);
  if (inCi()) {
    return describe(name, () => {
      it(`shared fixtures present (${missing})`, () => {
        throw new Error(`${missing}: CI must run the fixture tests (clone the steering repository beside this one)`);
      });
    });
  }
  // The body is not collected: it may list fixture folders at collection time.
  return it.skip(`${name} [skipped: ${missing}]`, () => undefined);
}

/**
 * `it` for a single test that reads the shared fixtures (see describeWithFixtures).
 * @param {string} name
 * @param {(...args: any[]) => any} fn
 * @param {number} [timeout]
 */
export function itWithFixtures(name, fn, timeout) {
  if (hasSharedFixtures) return it(name, fn, timeout);
  if (inCi()) {
    return it(`${name} (shared fixtures)`, () => {
      throw new Error(`${missing}: CI must run the fixture tests`);
    });
  }
  return it.skip(`${name} [skipped: ${missing}]`, fn);
}
