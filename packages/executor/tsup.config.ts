import { defineTsup } from '@st3/tooling/tsup';
export default defineTsup({ entry: ['src/index.ts', 'src/testing.ts'] });
