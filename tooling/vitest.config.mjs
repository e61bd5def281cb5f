import { defineVitest } from './src/vitest.js';

export default defineVitest({ include: ['test/**/*.test.mjs'] });
