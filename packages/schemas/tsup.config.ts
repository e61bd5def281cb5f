import { defineTsup } from '@st3/tooling/tsup';
export default defineTsup({ entry: ['src/index.ts', 'src/errors.ts', 'src/fast.ts'] });
