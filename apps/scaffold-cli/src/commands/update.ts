import { resolve } from 'node:path';
import { createOutput, defineCommand, EXIT, resolveWorkspace } from '@st3/cli-kit';
import { createScaffolder, schemaFirstFromEnv, updateFiles, type UpdatedFile } from '@st3/scaffolder';

const LABEL: Record<UpdatedFile['status'], string> = {
  current: 'CURRENT',
  updated: 'UPDATED',
  conflict: 'CONFLICT',
  missing: 'MISSING',
  'no-base': 'NO-BASE',
  error: 'ERROR',
};

/** `st3 scaffold update`: generated files to the current template by a 3-way merge with their recorded answers. */
export const update = defineCommand({
  name: 'update',
  summary: 'bring generated files to the current template version by a 3-way merge that keeps your edits',
  description: [
    'For every file with recorded answers (.st3/scaffold/answers.json): base = the old template version rendered ' +
      'with the same answers (kept in .st3/templates/.versions/), ours = the file on disk, theirs = the current ' +
      "template's output. Clean merges are written with the header's updated= set; a conflict gets standard markers " +
      '(<<<<<<< ======= >>>>>>>), or with --reject keeps your text and writes <file>.rej.',
    'A file that still holds conflict markers, or a <file>.rej beside it, is CONFLICT again and is not merged ' +
      'until you finish it. Exit 1 while any conflict remains or a file cannot be merged (its template version ' +
      'was not kept, or its header disagrees with its record).',
    'A recorded file that was deleted is written again from the current template with its recorded answers ' +
      '(UPDATED, "restored"); one that cannot be (e.g. its type is gone from the registry) is MISSING with the ' +
      'reason, and exits 1: exit 0 only when every recorded file is up to date after the run.',
    'With no recorded file (under the paths given) nothing is updated: it says so and why, and exits 0.',
  ],
  args: [{ name: 'paths', description: 'files or folders to update (default: every recorded file)', variadic: true }],
  options: {
    'dry-run': { type: 'boolean', description: 'print the merged diffs and write nothing' },
    reject: { type: 'boolean', description: 'on a conflict keep your text and write the template side to <file>.rej' },
  },
  examples: ['st3 scaffold update --dry-run', 'st3 scaffold update src/dtos', 'st3 scaffold update --reject --json'],
  async run({ args, values, common, io }) {
    const out = createOutput(io, common);
    const ws = resolveWorkspace(io, common);
    const scaffolder = await createScaffolder({
      workspace: ws.root,
      registryFile: ws.configPath,
      schemaFirst: schemaFirstFromEnv(io.env),
    });
    const base = resolve(io.cwd, common.cwd ?? '.');
    const report = await updateFiles(ws.root, scaffolder, {
      paths: args.paths.map((p) => resolve(base, p)),
      dryRun: values['dry-run'] === true,
      reject: values.reject === true,
    });
    if (out.json) {
      out.document({ ok: !report.failed, ...report });
      return report.failed ? EXIT.problems : EXIT.ok;
    }
    for (const f of report.files) {
      const tag = LABEL[f.status].padEnd(9);
      const painted =
        f.status === 'updated'
          ? out.color.yellow(tag)
          : f.status === 'current'
            ? out.color.dim(tag)
            : out.color.red(tag);
      const versions = f.from && f.to && f.from !== f.to ? ` ${f.from} -> ${f.to}` : '';
      const where = f.conflicts
        ? ` (conflict at line ${f.conflicts.join(', ')}${f.reject ? `; see ${f.reject}` : ''})`
        : '';
      const line = `${painted} ${f.path}${versions}${where}${f.message ? ` - ${f.message}` : ''}`;
      if (f.status === 'current') out.info(line);
      else out.line(line);
      if (f.diff && (report.dryRun || f.status === 'conflict') && f.status !== 'current') out.line(f.diff.trimEnd());
    }
    if (report.note) {
      out.line(report.note);
      return report.failed ? EXIT.problems : EXIT.ok;
    }
    const c = report.counts;
    out.line(
      `${report.files.length} recorded file(s): ${c.updated} updated, ${c.conflict} conflict, ${c.current} current, ${c['no-base']} without a kept base, ${c.missing} missing, ${c.error} error${report.dryRun ? ' (dry run: nothing was written)' : ''}`,
    );
    return report.failed ? EXIT.problems : EXIT.ok;
  },
});
