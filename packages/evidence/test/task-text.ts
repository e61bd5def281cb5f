/** A complete schema 1.1 task file (no error, no warning), with its id and validation pipeline chosen by the test. */
export function completeTask(id: string, pipeline = '    - command: pnpm test\n      description: tests\n'): string {
  return `schema_version: "1.1"
id: ${id}
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
${pipeline}acceptance_criteria:
  must: [works]
deliverables: [x.ts]
risks:
  - description: r
    mitigation: m
`;
}
