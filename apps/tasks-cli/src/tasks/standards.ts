import { defineCommand, EXIT } from '@st3/cli-kit';
import { cacheExcerpt, checkExcerpts, dropCachedExcerpt, excerptsVerdict, updateContext } from '@st3/evidence';
import { agentOf, agentOption, needOption, setup, TASK_ID, taskIdOf, taskTelemetry } from './common.js';

const attach = defineCommand({
  name: 'attach',
  summary: 'cache the section of a standards file (by heading text or anchor) under the task',
  args: TASK_ID,
  options: {
    file: {
      type: 'string',
      valueName: 'FILE',
      description: 'required: the standards file (relative to the workspace)',
    },
    section: { type: 'string', valueName: 'S', description: 'required: the heading text or anchor of the section' },
    ...agentOption,
  },
  examples: [
    'st3 tasks standards attach TASK-0123 --file standards/backend-tier.md --section "Domain Service Layer"',
    'st3 tasks --attach-standard TASK-0123 --file standards/backend-tier.md --section "Domain Service Layer"',
  ],
  async run(ctx) {
    const { values, usage, io } = ctx;
    const { out, ws } = await setup(ctx);
    const id = await taskIdOf(ws, ctx.args.id);
    const file = needOption(values.file, '--file', usage);
    const section = needOption(values.section, '--section', usage);
    const reads: [string, number][] = [];
    const excerpt = await updateContext(ws, id, async (ctx, dir) => {
      const e = await cacheExcerpt({
        root: ws.root,
        contextDir: dir,
        file,
        section,
        telemetry: { count: () => undefined, observe: () => undefined, fileRead: (p, n) => reads.push([p, n]) },
      });
      ctx.standards = ctx.standards.filter((s) => !(s.file === e.file && s.section === e.section));
      ctx.standards.push(e);
      return e;
    });
    await taskTelemetry(ws, out, id, agentOf(values, io), (t) => {
      for (const [p, n] of reads) t.fileRead(p, n);
    });
    if (out.json) out.document({ ok: true, excerpt });
    else out.line(`cached ${excerpt.file}#${excerpt.section} as standards/${excerpt.id}.md`);
    return EXIT.ok;
  },
});

const verify = defineCommand({
  name: 'verify',
  summary:
    'detect excerpts gone stale because the standard changed; --invalidate drops them; exit 1 on any, and when the task has no excerpt (verifying nothing is no pass)',
  args: TASK_ID,
  options: { invalidate: { type: 'boolean', description: 'remove stale excerpts from the context and the cache' } },
  examples: ['st3 tasks standards verify TASK-0123', 'st3 tasks standards verify TASK-0123 --invalidate --json'],
  async run(ctx) {
    const { values } = ctx;
    const { out, ws } = await setup(ctx);
    const id = await taskIdOf(ws, ctx.args.id);
    const checks = await updateContext(ws, id, async (ctx, dir) => {
      const results = await checkExcerpts(ws.root, dir, ctx.standards);
      for (const r of results) {
        if (r.status === 'fresh') continue;
        if (values.invalidate) {
          await dropCachedExcerpt(dir, r.excerpt);
          ctx.standards = ctx.standards.filter((s) => s !== r.excerpt);
        } else r.excerpt.stale = true;
      }
      return results;
    });
    // Verifying no excerpt is no pass: ok only when excerpts were checked and all are fresh.
    const verdict = excerptsVerdict(checks);
    if (out.json)
      out.document({
        ok: verdict.ok,
        no_excerpts: verdict.no_excerpts,
        invalidated: values.invalidate === true ? verdict.stale : 0,
        excerpts: checks.map((c) => ({
          id: c.excerpt.id,
          file: c.excerpt.file,
          section: c.excerpt.section,
          status: c.status,
        })),
      });
    else {
      for (const c of checks)
        out.line(`${c.excerpt.id}  ${c.status.padEnd(15)} ${c.excerpt.file}#${c.excerpt.section}`);
      if (verdict.stale > 0 && values.invalidate) out.line(`${verdict.stale} stale excerpt(s) invalidated`);
      if (verdict.no_excerpts)
        out.line(
          `no standards excerpt: ${id} has none cached, nothing verified (st3 tasks standards attach ${id} --file … --section …)`,
        );
    }
    return verdict.ok ? EXIT.ok : EXIT.problems;
  },
});

export const standards = defineCommand({
  name: 'standards',
  summary: 'standards excerpts: attach a section, verify (stale detection)',
  examples: ['st3 tasks standards attach TASK-0123 --file standards/global.md --section "Release Gates"'],
  subcommands: { attach, verify },
});
