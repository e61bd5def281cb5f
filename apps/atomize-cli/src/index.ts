import type { CliDefinition, RunStage, StageReport } from '@st3/cli-kit';
import pkg from '../package.json' with { type: 'json' };

/**
 * The commands of this app, loaded lazily: `st3-atomize <command>` runs them alone and the
 * `st3` entry dispatches to the same table.
 */
export const cli: CliDefinition = {
  name: 'st3-atomize',
  version: pkg.version,
  description: 'measured, context-rich atoms of TypeScript, JavaScript and Python',
  commands: {
    atomize: {
      summary: 'split TS/JS/Python files into measured, context-rich atoms',
      load: async () => (await import('./commands/atomize.js')).command,
    },
    complexity: {
      summary: 'cyclomatic complexity per function (ESLint / flake8 C901 compatible)',
      load: async () => (await import('./commands/complexity.js')).command,
    },
  },
};

/** A file `st3 atomize .` matched and did not atomize, with why (its diagnostic's code: `E_FILE_READ` when unreadable). */
interface SkippedFile {
  path: string;
  reason: string;
  code?: string;
}

/**
 * `st3 run` stage: atomizes the workspace's sources (the cache lives in `.st3/cache/`, its scratch area).
 * Files it skipped are listed; a file or folder it could not read fails the stage: the counts would
 * look complete without it.
 */
export const stage: RunStage = {
  name: 'atomize',
  title: 'atomize the workspace sources into measured atoms',
  async run(ctx): Promise<StageReport> {
    const { atomizeProject } = await import('@st3/atomizer');
    let files = 0;
    let functions = 0;
    let atoms = 0;
    let nonAtomic = 0;
    const skipped: SkippedFile[] = [];
    let top: { path: string; name: string; complexity: number } | undefined;
    for await (const r of atomizeProject(['.'], {
      cwd: ctx.root,
      cache: ctx.dryRun ? false : undefined,
      telemetry: ctx.telemetry,
    })) {
      if (!r.ok) {
        const code = r.skipped.diagnostic?.code;
        skipped.push({ path: r.path, reason: r.skipped.reason, ...(code ? { code } : {}) });
        continue;
      }
      const rec = r.record;
      files++;
      functions += rec.functions.length;
      atoms += rec.atoms.length;
      nonAtomic += rec.atoms.filter((a) => !a.atomicity.atomic).length;
      for (const f of rec.functions)
        if (!top || f.complexity > top.complexity)
          top = { path: rec.path, name: f.qualifiedName, complexity: f.complexity };
    }
    if (files === 0 && skipped.length === 0)
      return {
        stage: 'atomize',
        ok: true,
        skipped: true,
        summary: 'no TypeScript, JavaScript or Python sources found',
      };
    const unread = skipped.filter((s) => s.code === 'E_FILE_READ').length;
    return {
      stage: 'atomize',
      ok: unread === 0,
      summary: `${files} files, ${functions} functions, ${atoms} atoms (${nonAtomic} not atomic)${skippedSummary(skipped.length, unread)}`,
      lines: [
        ...skipped.map((s) => `skipped ${s.path}: ${s.reason}`),
        ...(top ? [`most complex: ${top.name} in ${top.path} (${top.complexity})`] : []),
      ],
      data: { files, functions, atoms, nonAtomic, skipped: skipped.length, skippedFiles: skipped, top },
    };
  },
};

function skippedSummary(skipped: number, unread: number): string {
  if (skipped === 0) return '';
  const other = skipped - unread;
  const parts = [
    ...(unread > 0 ? [`${unread} could not be read`] : []),
    ...(other > 0 ? [`${other} skipped (not atomizable)`] : []),
  ];
  return `; ${parts.join(', ')}`;
}
