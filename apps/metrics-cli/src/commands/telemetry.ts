import { relative, resolve } from 'node:path';
import { createOutput, defineCommand, EXIT, resolveWorkspace } from '@st3/cli-kit';
import { metricsPaths } from '../collect.js';
import { recordEvents } from '../record.js';

const record = defineCommand({
  name: 'record',
  summary:
    "record what an agent did for a task (files read, cache hits, commands, warnings, prompt sizes, JSON parses) in the task's telemetry-<agent>.json",
  description: [
    "The seed's TelemetryCollector as a command, for agents that do not run code: each call adds its events to .st3/tasks/<task>/telemetry-<agent>.json under the file's lock (atomic; concurrent agents lose nothing). `st3 metrics collect` judges the task's success criteria from these files.",
    'The task must have a context already (`st3 tasks context init`); nothing is created for an unknown task.',
  ],
  args: [{ name: 'task-id', description: 'the task the agent works on', required: true, complete: 'none' }],
  options: {
    agent: { type: 'string', valueName: 'NAME', description: 'the agent (default: ST3_AGENT)' },
    'file-read': {
      type: 'string',
      multiple: true,
      valueName: 'PATH',
      description:
        'a file the agent read (repeatable; relative to the current folder, recorded relative to the workspace root); its size is measured unless --bytes is given',
    },
    bytes: {
      type: 'number',
      integer: true,
      min: 0,
      description: 'bytes of the --file-read, or bytes served by the --cache-hit',
    },
    'cache-hit': {
      type: 'string',
      valueName: 'TYPE',
      description: 'data served from the context cache instead of read again (with --bytes), e.g. task_snapshot',
    },
    command: {
      type: 'string',
      valueName: 'CMD',
      description: 'a command the agent ran (with --exit-code and --duration-ms)',
    },
    'exit-code': { type: 'number', integer: true, description: 'the exit code of --command' },
    'duration-ms': { type: 'number', min: 0, description: 'how long --command ran' },
    warning: { type: 'string', valueName: 'TEXT', description: 'a warning the agent met (repeats are counted)' },
    level: {
      type: 'enum',
      choices: ['info', 'warning', 'error'],
      description: 'the level of --warning (default warning)',
    },
    'prompt-bytes': { type: 'number', integer: true, min: 0, description: 'the size of a prompt the agent sent' },
    'baseline-bytes': {
      type: 'number',
      integer: true,
      min: 0,
      description: 'the size that prompt would have had without the context cache (for prompt size savings)',
    },
    'json-parse': {
      type: 'enum',
      choices: ['ok', 'failed'],
      description: 'the agent parsed ST3 JSON output: did it parse (for the JSON parse failures criterion)',
    },
    source: {
      type: 'string',
      valueName: 'NAME',
      description: 'what produced the JSON of --json-parse (default: the agent)',
    },
  },
  examples: [
    'st3 telemetry record TASK-0101 --agent implementer --file-read src/handler.ts',
    'st3 telemetry record TASK-0101 --agent implementer --cache-hit task_snapshot --bytes 8192',
    'st3 telemetry record TASK-0101 --agent implementer --command "pnpm test" --exit-code 0 --duration-ms 5120',
    'st3 telemetry record TASK-0101 --agent reviewer --warning "standards excerpt is stale" --level warning',
    'st3 telemetry record TASK-0101 --agent implementer --prompt-bytes 6100 --baseline-bytes 7400',
  ],
  async run({ values, args, common, io, usageError }) {
    const out = createOutput(io, common);
    const agent = values.agent ?? io.env.ST3_AGENT;
    if (!agent) throw usageError('which agent: give --agent NAME (or set ST3_AGENT)');
    const ws = resolveWorkspace(io, common);
    const paths = await metricsPaths(ws.root, { configPath: ws.configPath });
    const result = await recordEvents(
      paths,
      args['task-id'],
      agent,
      {
        ...(values['file-read'] ? { fileRead: values['file-read'] } : {}),
        ...(values.bytes !== undefined ? { bytes: values.bytes } : {}),
        ...(values['cache-hit'] !== undefined ? { cacheHit: values['cache-hit'] } : {}),
        ...(values.command !== undefined ? { command: values.command } : {}),
        ...(values['exit-code'] !== undefined ? { exitCode: values['exit-code'] } : {}),
        ...(values['duration-ms'] !== undefined ? { durationMs: values['duration-ms'] } : {}),
        ...(values.warning !== undefined ? { warning: values.warning } : {}),
        ...(values.level !== undefined ? { level: values.level } : {}),
        ...(values['prompt-bytes'] !== undefined ? { promptBytes: values['prompt-bytes'] } : {}),
        ...(values['baseline-bytes'] !== undefined ? { baselineBytes: values['baseline-bytes'] } : {}),
        ...(values['json-parse'] !== undefined ? { jsonParse: values['json-parse'] } : {}),
        ...(values.source !== undefined ? { source: values.source } : {}),
      },
      // A relative --file-read names a file from where st3 runs, not from the workspace root.
      { cwd: resolve(io.cwd, common.cwd ?? '.') },
    );
    for (const w of result.warnings) out.diagnostic(w);
    const file = relative(ws.root, result.file);
    if (out.json) out.document({ ok: true, task_id: result.taskId, agent, file, recorded: result.recorded });
    else out.line(`${file}: ${result.recorded.join('; ')}`);
    return EXIT.ok;
  },
});

export const command = defineCommand({
  name: 'telemetry',
  summary: "agents' telemetry for a task's success criteria: record",
  subcommands: { record },
  examples: ['st3 telemetry record TASK-0101 --agent implementer --file-read src/handler.ts --bytes 2048'],
});
