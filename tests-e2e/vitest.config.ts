import { defineVitest } from '@st3/tooling/vitest';
export default defineVitest({ testTimeout: 120_000 });
