import { createOutput, defineCommand } from '@st3/cli-kit';
import { KINDS, notValidatedError, notValidatedText, St3Error } from '@st3/schemas';
import { resolve } from 'node:path';
import { exitCodeOf, expandInputs, validateFiles } from '../lib/validate-files.js';

export const command = defineCommand({
  name: 'validate',
  summary: 'validate ST3 files (kind inferred from the name)',
  description: [
    'A folder is searched for files whose kind is known by name, or for every .yaml/.yml/.json with --kind ' +
      '(node_modules, .git, dist skipped).',
    'Exit: 0 all valid, 1 a file is invalid, 2 a file is missing or of unknown kind, 3 a file is unreadable.',
  ],
  args: [{ name: 'paths', description: 'files or folders to validate', required: true, variadic: true }],
  options: {
    kind: {
      type: 'enum',
      choices: KINDS.map((k) => k.name),
      errorCode: 'E_KIND_UNKNOWN',
      valueName: 'KIND',
      description: 'validate every file as KIND instead of inferring it from the name',
    },
  },
  examples: [
    'st3 validate .st3/config/quality.yaml',
    'st3 validate .st3                         # every known file under .st3/',
    'st3 validate docs/tasks/*.task.yaml --json',
    'st3 validate graph.json --kind graph-input',
  ],
  async run({ values, args, common, io }) {
    const out = createOutput(io, common);
    const base = resolve(io.cwd, common.cwd ?? '.');
    const files = await expandInputs(args.paths, base, { anyDocument: values.kind !== undefined });
    if (files.length === 0)
      throw new St3Error('E_FILE_NOT_FOUND', 'no ST3 file found in the folders given', {
        hint: 'name files directly, or pass --kind',
      });
    const verdicts = await validateFiles(files, base, values.kind);
    const valid = verdicts.filter((v) => v.valid).length;
    const summary = {
      files: verdicts.length,
      valid,
      invalid: verdicts.length - valid,
      not_validated: verdicts.filter((v) => notValidatedError(v)).length,
    };
    if (out.json) {
      out.document({ ok: summary.invalid === 0, files: verdicts, summary });
    } else {
      for (const v of verdicts) {
        for (const w of v.warnings) out.diagnostic(w);
        for (const e of v.errors) out.diagnostic(e);
        if (v.valid) out.info(`${out.color.green('ok')} ${v.file} (${v.kind})`);
      }
      // Missing, unreadable or of unknown kind: not judged, so named apart from the files found invalid.
      const text = `${summary.files} file${summary.files === 1 ? '' : 's'}: ${summary.valid} valid, ${summary.invalid} invalid${notValidatedText(verdicts)}`;
      out.info(summary.invalid === 0 ? out.color.green(text) : out.color.red(text));
    }
    return exitCodeOf(verdicts);
  },
});
