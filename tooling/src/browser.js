// Headless Chromium for browser tests: Debian's /usr/bin/chromium (never a downloaded browser), launched
// through playwright-core with the flags the guide names. .ci/run installs it; under CI a missing browser
// fails the test instead of skipping it.
import { existsSync } from 'node:fs';

export const CHROMIUM_PATH = '/usr/bin/chromium';

export const CHROMIUM_ARGS = Object.freeze([
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]);

/** True when the browser tests should run: Chromium is installed, or CI is set (where its absence is a failure). */
export const haveChromium = existsSync(CHROMIUM_PATH) || process.env.CI === 'true';

/** Options for playwright-core's `chromium.launch`. */
export function chromiumLaunchOptions() {
  return { executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] };
}
