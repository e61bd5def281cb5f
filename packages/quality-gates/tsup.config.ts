import { defineTsup } from '@st3/tooling/tsup';
export default defineTsup({ entry: ['src/index.ts', 'src/plan-entry.ts', 'src/prefetch.ts', 'src/presets-entry.ts'] });
