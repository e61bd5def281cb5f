import { defineVitest } from '@st3/tooling/vitest';

// The real-fixture tests load ~160 files; on a loaded 2-core machine they need more than the default 30 s.
export default defineVitest({ testTimeout: 120_000 });
