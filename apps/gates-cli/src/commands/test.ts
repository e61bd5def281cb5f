import { join } from 'node:path';
import { createOutput, defineCommand, EXIT, resolveWorkspace } from '@st3/cli-kit';
import { QUALITY_CONFIG_PATH, requireQualityConfig, requireTestsConfig, runTests } from '@st3/quality-gates';
import type { TestsConfig } from '@st3/schemas';

/** `st3 test`: the project's test command, with its result parsed. Tests are not a gate. */
export const command = defineCommand({
  name: 'test',
  summary: 'run the test command (vitest, jest or pytest) and report passed/failed/skipped',
  description: [
    'The command comes from the `tests` section of quality.yaml: tests: { command: [npx, vitest, run, ' +
      '--reporter=json, --outputFile=.st3/test-report.json], format: vitest, report_file: .st3/test-report.json }, ' +
      'or from the arguments after --.',
  ],
  passthrough: { name: 'command', description: 'run this test command instead of the configured one (needs --format)' },
  options: {
    format: {
      type: 'enum',
      choices: ['vitest', 'jest', 'pytest'],
      description: 'the report format of the command after -- (instead of the config)',
    },
    report: {
      type: 'string',
      valueName: 'FILE',
      description: 'where that command writes its report (default: its stdout)',
    },
  },
  examples: [
    'st3 test',
    'st3 test --json',
    'st3 test --format pytest --report report.xml -- pytest --junitxml=report.xml',
  ],
  async run({ values, rest: commandArgs, common, io, usageError }) {
    const ws = resolveWorkspace(io, common);
    const out = createOutput(io, common);
    let config: TestsConfig;
    if (commandArgs.length > 0) {
      const format = values.format;
      if (format === undefined) throw usageError('--format vitest|jest|pytest is needed with a command after --');
      config = { command: commandArgs, format, ...(values.report ? { report_file: values.report } : {}) };
    } else {
      // Not silently dropped: they describe a command after --, and the config's own would be used instead.
      if (values.format !== undefined || values.report !== undefined)
        throw usageError('--format and --report go with a command after -- (the configured tests have their own)');
      const path = ws.configPath ?? join(ws.root, QUALITY_CONFIG_PATH);
      // The loader of `st3 gates list` and of the MCP tools list_gates and run_tests: the same errors.
      const { config: loaded, warnings } = await requireQualityConfig(path);
      for (const w of warnings) out.diagnostic(w);
      config = requireTestsConfig(loaded, path, 'pass a command after --');
    }
    const result = await runTests({ cwd: ws.root, config, signal: io.signal, env: io.env });
    if (common.json) {
      out.document(result);
    } else {
      out.line(result.ok ? out.color.green(result.summary) : out.color.red(result.summary));
      for (const f of result.failures) {
        out.line(
          `${out.color.red('✗')} ${f.name}${f.file ? out.color.dim(`  ${f.file}${f.line ? `:${f.line}` : ''}`) : ''}`,
        );
        for (const line of f.message.split('\n')) out.line(`    ${out.color.dim(line)}`);
      }
    }
    if (result.ok) return EXIT.ok;
    // Killed by a signal (OOM, a kill): the runner failed, whatever its report said so far.
    return result.exit_code === null ? EXIT.failure : EXIT.problems;
  },
});
