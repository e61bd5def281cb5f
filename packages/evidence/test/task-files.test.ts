import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateTaskFile, validateTaskText } from '../src/index.js';
import { realWorld } from './helpers.js';
import { describeWithFixtures, hasSharedFixtures } from '@st3/tooling/fixtures';

const dir = join(realWorld, 'tasks');
const files = hasSharedFixtures
  ? readdirSync(dir)
      .filter((f) => f.endsWith('.task.yaml'))
      .sort()
  : [];

/**
 * The verdict on every real task file, pinned. Each E001 says which required field is empty and
 * why (see docs/decisions/0100): the tasks_cli test fixtures (TASK-0001..0005 without schema_version)
 * are stubs with no scope, plan, criteria or deliverables; TASK-0284/0285/0286 keep a legacy
 * `implementation_plan` but no acceptance criteria (0286 lists `materials`, not deliverables);
 * the TASK-05xx/06xx contract tasks end at `plan:`/`acceptance_criteria:` with no deliverables;
 * TASK-9005 is a draft with every list empty.
 */
const E001: Record<string, string[]> = {
  'TASK-0001-unblocker-p2.task.yaml': ['acceptance_criteria', 'scope.in', 'plan', 'deliverables'],
  'TASK-0002-regular-p0.task.yaml': ['acceptance_criteria', 'scope.in', 'plan', 'deliverables'],
  'TASK-0003-inline-blockers.task.yaml': ['acceptance_criteria', 'scope.in', 'plan', 'deliverables'],
  'TASK-0004-multiline-blockers.task.yaml': ['acceptance_criteria', 'scope.in', 'plan', 'deliverables'],
  'TASK-0005-completed.task.yaml': ['acceptance_criteria', 'scope.in', 'plan', 'deliverables'],
  'TASK-0284-turbo-corepack-hardening.task.yaml': ['acceptance_criteria'],
  'TASK-0285-lambda-interface-hardening.task.yaml': ['acceptance_criteria'],
  'TASK-0286-domain-layer-refactor.task.yaml': ['acceptance_criteria', 'deliverables'],
  'TASK-0501-contract-codegen-gate.task.yaml': ['acceptance_criteria', 'deliverables'],
  'TASK-0502-contract-semver-governance.task.yaml': ['acceptance_criteria', 'deliverables'],
  'TASK-0503-shared-schemas-integration.task.yaml': ['acceptance_criteria', 'deliverables'],
  'TASK-0504-contract-governance-docs.task.yaml': ['acceptance_criteria', 'deliverables'],
  'TASK-0601-contract-codegen-alignment.task.yaml': ['deliverables'],
  'TASK-0602-error-contract-alignment.task.yaml': ['deliverables'],
  'TASK-0603-contract-versioning-governance.task.yaml': ['deliverables'],
  'TASK-9005-draft-incomplete.task.yaml': ['acceptance_criteria', 'deliverables', 'plan', 'scope.in'],
};

/** Files that are not well-formed YAML: the first error's line:col. */
const PARSE: Record<string, string> = {
  'TASK-0000-template.task.yaml': '158:11', // `path: REPLACE: docs/...` is a nested mapping in a compact one
  'TASK-0210-qa-suite-alignment.task.yaml': '131:5', // a plain scalar starting with a backtick
  'TASK-0602-contract-first-routing.task.yaml': '128:5',
  'TASK-0703-provider-mutation-coverage.task.yaml': '129:5',
  'TASK-0819-rtk-query-xstate-integration.task.yaml': '154:1', // mapping items at different columns
  'TASK-0820-services-ports-adapters.task.yaml': '231:1',
  'TASK-0821-storybook-chromatic-setup.task.yaml': '236:1',
  'TASK-0822-rtk-query-xstate.task.yaml': '206:1',
  'TASK-0822-sst-adr-module-parity.task.yaml': '145:7',
};

/** Parses, complete, but breaks a rule of the shape: blocked without blocked_reason. */
const SCHEMA: Record<string, string> = { 'TASK-9006-blocked-task.task.yaml': 'status' };

/**
 * Validation commands written as one shell line (`cd mobile && ...`, `... || true`, pipes, redirections,
 * `$(...)`, globs) without `shell: true`: the original tasks CLI ran them through a shell, so the files are
 * valid as they are — a W_COMMAND_NEEDS_SHELL warning at the offending character, and `run-validation`
 * refuses the command unless `--shell` (ADR 0103). Each file's findings as line:col.
 */
const COMMAND: Record<string, string> = {
  'TASK-0001-mobile-deps-typecheck-lint.task.yaml': '87:17,88:17,89:17',
  'TASK-0002-infra-modularize-main.task.yaml': '84:54,85:25,86:25',
  'TASK-0003-infra-fix-apigw-stage.task.yaml': '72:25,73:25',
  'TASK-0005-reliability-dlq-redrive-tests.task.yaml': '80:18',
  'TASK-0006-observability-structured-logs-retention.task.yaml': '81:18',
  'TASK-0009-tests-split-core-worker-schema.task.yaml': '64:18,65:18,66:18',
  'TASK-0010-analysis-dep-tools.task.yaml': '71:18,72:18,73:18,74:18',
  'TASK-0011-perf-baseline-artillery.task.yaml': '68:57',
  'TASK-0012-makefile-stage1-verify.task.yaml': '64:26',
  'TASK-0013-evidence-artifacts.task.yaml': '60:32',
  'TASK-0014-arch-rule-no-sdk-in-handlers.task.yaml': '65:45,66:18',
  'TASK-0015-openapi-contracts-versioning.task.yaml': '71:31,72:18',
  'TASK-0100-phase0-foundations.task.yaml': '170:8,171:7',
  'TASK-0100-uat-happy-path.task.yaml': '90:56',
  'TASK-0101-dynamodb-jobs-pk.task.yaml': '68:85',
  'TASK-0101-presign-status-integration.task.yaml': '162:8,163:8,170:63,171:62',
  'TASK-0102-presign-upload-alignment.task.yaml': '66:68',
  'TASK-0102-worker-pipeline-integration.task.yaml': '164:8,165:8',
  'TASK-0103-apigw-download-route.task.yaml': '62:25,63:7',
  'TASK-0104-edit-screen-cleanup.task.yaml': '59:36',
  'TASK-0104-shared-contracts-foundation.task.yaml': '183:29,184:7,187:28,190:20,193:30,196:17',
  'TASK-0105-lambda-artifacts-packaging.task.yaml': '61:46,62:25',
  'TASK-0105-nest-bff-skeleton.task.yaml': '186:8,187:8,191:49,194:76,195:75,199:64,200:53,203:64',
  'TASK-0200-turborepo-adoption.task.yaml': '204:48,205:29',
  'TASK-0201-align-integration-script-docs.task.yaml': '121:78,131:8,132:8',
  'TASK-0201-retire-legacy-qa-suite.task.yaml': '155:34,156:26,157:33',
  'TASK-0284-turbo-corepack-hardening.task.yaml': '114:29',
  'TASK-0427-cross-cutting-alignment.task.yaml': '210:7,228:16,229:16',
  'TASK-0428-turborepo-execution-failure.task.yaml': '261:29,262:27',
  'TASK-0501-runbooks-observability-hardening.task.yaml': '128:52',
  'TASK-0605-fix-s3-key-format-tests.task.yaml': '153:7,156:7',
  'TASK-0607-update-contract-snapshot.task.yaml': '172:17',
  'TASK-0609-fix-dependency-validation-test.task.yaml': '127:42,130:59',
  'TASK-0701-batch-status-route.task.yaml': '202:8,228:25',
  'TASK-0702-device-token-infra.task.yaml':
    '215:25,216:25,217:25,218:63,225:20,226:20,229:7,230:103,231:88,232:97,235:7',
  'TASK-0702-worker-pipeline-integration-test-fixes.task.yaml': '259:8',
  'TASK-0801-bdd-backfill.task.yaml': '125:56',
  'TASK-0909-nativewind-tamagui-supply-chain.task.yaml': '297:37',
  'TASK-1001-storybook-parser-audit-tooling.task.yaml': '216:14',
  'TASK-1002-storybook-babel-preset-adapters.task.yaml': '271:26,273:26',
  'TASK-1003-chromatic-workflow-documentation.task.yaml': '227:26,229:26',
  // 1.0 files writing `validation.commands: [{cmd: …}]`: their commands are read (and checked) too.
  'TASK-9009-binary-files.task.yaml': '34:38',
  'TASK-9011-long-text.task.yaml': '36:66',
  'TASK-9014-secrets-test.task.yaml': '34:59',
};

describeWithFixtures('the 149 real task files', () => {
  it('are all here', () => {
    expect(files).toHaveLength(149);
  });

  it('each get the pinned verdict', async () => {
    const verdicts = await Promise.all(files.map((f) => validateTaskFile(join(dir, f), f)));
    const e001: Record<string, string[]> = {};
    const parse: Record<string, string> = {};
    const schema: Record<string, string> = {};
    const command: Record<string, string> = {};
    const unreadable: Record<string, string> = {};
    const ok: string[] = [];
    for (const v of verdicts) {
      if (v.parseFailed) parse[v.file] = `${v.errors[0]!.line}:${v.errors[0]!.column}`;
      const paths = v.errors.filter((e) => e.code === 'E001').map((e) => e.path!.join('.'));
      if (paths.length > 0) e001[v.file] = paths.sort();
      const shape = v.errors.filter((e) => e.code === 'E_SCHEMA');
      if (shape.length > 0) schema[v.file] = shape.map((e) => e.path!.join('.')).join(',');
      expect(v.errors.filter((e) => e.code === 'E_COMMAND_SYNTAX')).toEqual([]);
      const shell = v.warnings.filter((e) => e.code === 'W_COMMAND_NEEDS_SHELL');
      if (shell.length > 0) command[v.file] = shell.map((e) => `${e.line}:${e.column}`).join(',');
      const notCommands = v.warnings.filter((e) => e.code === 'W_VALIDATION_COMMAND');
      if (notCommands.length > 0) unreadable[v.file] = notCommands.map((e) => `${e.line}:${e.column}`).join(',');
      if (v.ok) ok.push(v.file);
      for (const e of [...v.errors, ...shell]) {
        expect(e.line, `${v.file} ${e.code}`).toBeGreaterThan(0);
        expect(e.column, `${v.file} ${e.code}`).toBeGreaterThan(0);
      }
    }
    const sortedPins = Object.fromEntries(Object.entries(E001).map(([k, v]) => [k, [...v].sort()]));
    expect(e001).toEqual(sortedPins);
    expect(parse).toEqual(PARSE);
    expect(schema).toEqual(SCHEMA);
    expect(command).toEqual(COMMAND);
    // Every validation command entry of the real files (`command:`, `cmd:` or a string) is read as a command.
    expect(unreadable).toEqual({});
    const failing = new Set([E001, PARSE, SCHEMA].flatMap((pins) => Object.keys(pins)));
    expect(ok).toHaveLength(149 - failing.size);
  });

  it('warns about 1.0 legacy layouts instead of failing them', async () => {
    const v = await validateTaskFile(join(dir, 'TASK-0290-qa-pipeline-hardening.task.yaml'), 'x');
    expect(v.ok).toBe(true);
    expect(v.schemaVersion).toBe('1.0');
    expect(v.warnings.map((w) => w.code)).toContain('W_TASK_NO_VALIDATION');
  });

  it('loads schema 1.1 files with their plan outputs', async () => {
    const v = await validateTaskFile(join(dir, 'TASK-0902-update-esbuild-security.task.yaml'), 'x');
    expect(v.ok).toBe(true);
    expect(v.schemaVersion).toBe('1.1');
  });
});

const complete11 = `schema_version: "1.1"
id: TASK-0100
title: t
status: todo
priority: P1
area: backend
description: d
scope:
  in: [a]
  out: [b]
plan:
  - id: 1
    title: s
    actor: agent
    inputs: []
    outputs: [x.ts]
    definition_of_done: [done]
    estimate: S
validation:
  pipeline:
    - command: pnpm test
      description: tests
acceptance_criteria:
  must: [works]
deliverables: [x.ts]
risks:
  - description: r
    mitigation: m
`;

describe('completeness rules', () => {
  it('accepts a complete 1.1 task without warnings', () => {
    const v = validateTaskText(complete11, 'a.task.yaml');
    expect(v.errors).toEqual([]);
    expect(v.warnings).toEqual([]);
  });

  it('reports a 1.1 plan step with empty outputs as E001 at its line', () => {
    const v = validateTaskText(complete11.replace('outputs: [x.ts]', 'outputs: []'), 'a.task.yaml');
    expect(v.errors.map((e) => [e.code, e.path?.join('.'), e.line])).toEqual([['E001', 'plan.0.outputs', 16]]);
  });

  it('requires validation.pipeline in 1.1 only', () => {
    const without = complete11.replace(/validation:\n {2}pipeline:\n.*\n.*\n/, '');
    expect(validateTaskText(without, 'a').errors.map((e) => e.path?.join('.'))).toEqual(['validation.pipeline']);
    const v10 = validateTaskText(without.replace('"1.1"', '"1.0"'), 'a');
    expect(v10.errors).toEqual([]);
    expect(v10.warnings.map((w) => w.code)).toContain('W_TASK_NO_VALIDATION');
  });

  it('warns about missing scope.out and risks', () => {
    const v = validateTaskText(complete11.replace('  out: [b]\n', '').replace(/risks:\n.*\n.*\n/, ''), 'a');
    expect(v.errors).toEqual([]);
    expect(v.warnings.map((w) => w.code).sort()).toEqual(['W_TASK_RISKS', 'W_TASK_SCOPE_OUT']);
  });

  it('gives a parse error with line and column', () => {
    const v = validateTaskText('id: TASK-0001\ntitle: [unclosed\n', 'a');
    expect(v.parseFailed).toBe(true);
    expect(v.errors[0]).toMatchObject({ code: 'E_PARSE', line: expect.any(Number), column: expect.any(Number) });
  });
});
