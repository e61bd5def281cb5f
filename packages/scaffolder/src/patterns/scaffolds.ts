import { createHash } from 'node:crypto';
import { Eta } from 'eta';
import { formatHeader, isoSeconds } from '../provenance/header.js';

/**
 * Executor and test scaffolds of a pattern, rendered from eta templates. Each output starts with
 * the provenance header (so `st3 scaffold check` knows it) and a `DOC_LINK:` line naming the
 * pattern's doc id. The Python pair is runnable: the executor validates an instance against the
 * pattern's required inputs, and the pytest file checks it on the generated examples.
 */

export interface ScaffoldContext {
  patternId: string;
  docId: string;
  name: string;
  summary: string;
  /** Instance schema path, relative to the executor. */
  schemaRel: string;
  /** Minimal example path, relative to the test file. */
  minimalExampleRel: string;
  /** Executor path, relative to the test file. */
  executorRel: string;
  required: string[];
  steps: string[];
}

const PY_EXECUTOR = `"""<%= it.name %> executor (<%= it.patternId %>).

<%= it.summary %>
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

PATTERN_ID = <%~ JSON.stringify(it.patternId) %>
DOC_ID = <%~ JSON.stringify(it.docId) %>
REQUIRED_INPUTS: tuple[str, ...] = (<% it.required.forEach(function (r) { %><%~ JSON.stringify(r) %>, <% }) %>)
STEPS: tuple[str, ...] = (<% it.steps.forEach(function (s) { %><%~ JSON.stringify(s) %>, <% }) %>)
SCHEMA_PATH = Path(__file__).parent / <%~ JSON.stringify(it.schemaRel) %>


def validate_instance(instance: dict[str, Any]) -> list[str]:
    """Return the problems of an instance (an empty list when it can run)."""
    problems: list[str] = []
    if instance.get("pattern_id") != PATTERN_ID:
        problems.append(f"pattern_id must be {PATTERN_ID}")
    for name in REQUIRED_INPUTS:
        if name not in instance:
            problems.append(f"missing required input: {name}")
    return problems


def plan(instance: dict[str, Any]) -> list[str]:
    """Return the steps this pattern runs for a valid instance, in order."""
    problems = validate_instance(instance)
    if problems:
        raise ValueError("; ".join(problems))
    return list(STEPS)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(f"usage: {argv[0]} INSTANCE.json", file=sys.stderr)
        return 2
    instance = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    problems = validate_instance(instance)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return 1
    for step in plan(instance):
        print(step)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
`;

const PY_TEST = `"""Tests of the <%= it.name %> executor (<%= it.patternId %>)."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

HERE = Path(__file__).parent
SPEC = importlib.util.spec_from_file_location("executor", HERE / <%~ JSON.stringify(it.executorRel) %>)
assert SPEC is not None and SPEC.loader is not None
executor = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(executor)


def load_minimal() -> dict:
    return json.loads((HERE / <%~ JSON.stringify(it.minimalExampleRel) %>).read_text(encoding="utf-8"))


def test_minimal_example_is_valid() -> None:
    assert executor.validate_instance(load_minimal()) == []


def test_missing_pattern_id_is_reported() -> None:
    instance = load_minimal()
    instance.pop("pattern_id", None)
    assert any("pattern_id" in p for p in executor.validate_instance(instance))


def test_plan_lists_every_step() -> None:
    assert executor.plan(load_minimal()) == list(executor.STEPS)
`;

const PS_EXECUTOR = `<#
.SYNOPSIS
<%= it.name %> executor (<%= it.patternId %>): <%= it.summary %>
#>
param([Parameter(Mandatory = $true)][string]$InstancePath)

$PatternId = '<%= it.patternId %>'
$RequiredInputs = @(<%~ it.required.map(function (r) { return "'" + r + "'"; }).join(', ') %>)
$Steps = @(<%~ it.steps.map(function (s) { return "'" + s + "'"; }).join(', ') %>)

function Test-Instance([object]$Instance) {
    $problems = @()
    if ($Instance.pattern_id -ne $PatternId) { $problems += "pattern_id must be $PatternId" }
    foreach ($name in $RequiredInputs) {
        if (-not ($Instance.PSObject.Properties.Name -contains $name)) { $problems += "missing required input: $name" }
    }
    return $problems
}

$instance = Get-Content -Raw -Path $InstancePath | ConvertFrom-Json
$problems = Test-Instance $instance
if ($problems.Count -gt 0) { $problems | ForEach-Object { Write-Error $_ }; exit 1 }
$Steps | ForEach-Object { Write-Output $_ }
`;

const PS_TEST = `Describe '<%= it.name %> executor (<%= it.patternId %>)' {
    It 'accepts the minimal example' {
        $executor = Join-Path $PSScriptRoot '<%= it.executorRel %>'
        $example = Join-Path $PSScriptRoot '<%= it.minimalExampleRel %>'
        { & $executor -InstancePath $example } | Should -Not -Throw
    }
}
`;

const TEMPLATES = {
  executor_py: PY_EXECUTOR,
  test_py: PY_TEST,
  executor_ps1: PS_EXECUTOR,
  test_ps1: PS_TEST,
} as const;
export type ScaffoldTemplate = keyof typeof TEMPLATES;

const eta = new Eta({ autoEscape: false, autoTrim: false, useWith: false });

/** First 8 hex of SHA-256 over the template text: any change to the template changes it. */
export function scaffoldTemplateHash(template: ScaffoldTemplate): string {
  return createHash('sha256').update(TEMPLATES[template]).digest('hex').slice(0, 8);
}

export function templateFor(kind: 'executor' | 'test', path: string): ScaffoldTemplate | undefined {
  if (path.endsWith('.py')) return kind === 'executor' ? 'executor_py' : 'test_py';
  if (path.endsWith('.ps1')) return kind === 'executor' ? 'executor_ps1' : 'test_ps1';
  return undefined;
}

/** Renders a scaffold: provenance header, DOC_LINK line, then the template body. */
export function renderScaffold(template: ScaffoldTemplate, path: string, ctx: ScaffoldContext, now: Date): string {
  const body = eta.renderString(TEMPLATES[template], ctx);
  const artifact = template.startsWith('executor') ? 'pattern_executor' : 'pattern_test';
  const header = formatHeader({
    path,
    template: artifact,
    version: scaffoldTemplateHash(template),
    created: isoSeconds(now),
  });
  const docLink = `# DOC_LINK: ${ctx.docId}`;
  return `${header ? `${header}\n` : ''}${docLink}\n${body}`;
}
