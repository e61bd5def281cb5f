export { parseVitestText } from './vitest-text.js';
export { parseJestText } from './jest-text.js';
export {
  parseIstanbulSummary,
  parseLcov,
  type CoverageMetric,
  type CoverageReport,
  type CoverageTotals,
} from './coverage.js';
export { stripAnsi } from './text-util.js';
export { parseEslintStylish, type StylishProblem } from './eslint-stylish.js';
