import { defineVitest } from '@st3/tooling/vitest';
export default defineVitest();
