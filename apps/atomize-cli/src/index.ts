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

/** `st3 run` stage: atomizes the workspace's sources (the cache lives in `.st3/cache/`, its scratch area). */
export const stage: RunStage = {
  name: 'atomize',
  title: 'atomize the workspace sources into measured atoms',
  async run(ctx): Promise<StageReport> {
    const { atomizeProject } = await import('@st3/atomizer');
    let files = 0;
    let functions = 0;
    let atoms = 0;
    let nonAtomic = 0;
    let skipped = 0;
    let top: { path: string; name: string; complexity: number } | undefined;
    for await (const r of atomizeProject(['.'], {
      cwd: ctx.root,
      cache: ctx.dryRun ? false : undefined,
      telemetry: ctx.telemetry,
    })) {
      if (!r.ok) {
        skipped++;
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
    if (files === 0)
      return {
        stage: 'atomize',
        ok: true,
        skipped: true,
        summary: 'no TypeScript, JavaScript or Python sources found',
      };
    return {
      stage: 'atomize',
      ok: true,
      summary: `${files} files, ${functions} functions, ${atoms} atoms (${nonAtomic} not atomic)`,
      lines: top ? [`most complex: ${top.name} in ${top.path} (${top.complexity})`] : [],
      data: { files, functions, atoms, nonAtomic, skipped, top },
    };
  },
};
