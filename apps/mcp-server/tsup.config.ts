import { defineTsup } from '@st3/tooling/tsup';
export default defineTsup({ entry: ['src/index.ts', 'src/bin.ts', 'src/offload-worker.ts', 'src/commands/*.ts'] });
