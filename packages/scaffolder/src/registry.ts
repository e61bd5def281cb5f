import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  ArtifactRegistrySchema,
  checkArtifactRegistry,
  errorFromDiagnostics,
  loadFile,
  St3Error,
  type ArtifactRegistry,
  type ArtifactType,
  type Diagnostic,
} from '@st3/schemas';

export type Language = 'ts' | 'py';
export type Family = 'code' | 'doc' | 'tracking' | 'config';

const docMachine = {
  states: ['DRAFT', 'APPROVED', 'DEFINITIVE'],
  initial_state: 'DRAFT',
  valid_transitions: [
    { from: 'DRAFT', to: ['APPROVED', 'DEFINITIVE'] },
    { from: 'APPROVED', to: ['DEFINITIVE'] },
  ],
};
const created = { states: ['CREATED'], initial_state: 'CREATED', valid_transitions: [] };

/**
 * The state a new artifact starts in: its type's initial state, else (a registry entry without a
 * state_machine) the one the built-in types of its family start in, so a document layout never prints
 * an undefined status.
 */
export function initialStateOf(artifact: ArtifactType): string {
  return artifact.state_machine?.initial_state ?? (artifact.type === 'doc' ? docMachine : created).initial_state;
}

function code(type_id: string, name: string, description: string, extra: Partial<ArtifactType> = {}): ArtifactType {
  return {
    type: 'code',
    type_id,
    name,
    description,
    output_type: 'file',
    file_extension: '.ts',
    generate_test: false,
    state_machine: created,
    ...extra,
  };
}
function doc(type_id: string, name: string, description: string, machine = docMachine): ArtifactType {
  return {
    type: 'doc',
    type_id,
    name,
    description,
    output_type: 'file',
    file_extension: '.md',
    generate_test: false,
    state_machine: machine,
  };
}
function ephemeral(type_id: string, name: string, description: string, ext: string): ArtifactType {
  return {
    type: 'tracking',
    type_id,
    name,
    description,
    output_type: 'ephemeral',
    file_extension: ext,
    generate_test: false,
    state_machine: created,
  };
}

/** The registry used when a workspace has no `.st3/config/artifacts.yaml` (same shape, same ids as the seed's). */
export const DEFAULT_REGISTRY: ArtifactRegistry = {
  version: '1.0',
  artifact_types: [
    code(
      'dto',
      'Data Transfer Object',
      'Immutable data container validated at the boundary (zod schema + type / pydantic model)',
      { generate_test: true },
    ),
    code('worker', 'Worker', 'Executes a single domain operation with retries and a timeout', {
      name_suffix: 'Worker',
      generate_test: true,
    }),
    code('tool', 'MCP Tool', 'An MCP tool handler: input schema, validation, text result', {
      name_suffix: 'Tool',
      generate_test: true,
    }),
    code('schema', 'Config Schema', 'Schema of a configuration file with defaults', { generate_test: true }),
    code('service', 'Service', 'Command, query or orchestrator service (service_type selects the variant)', {
      name_suffix: 'Service',
      generate_test: true,
    }),
    code('generic', 'Generic Component', 'A minimal class with the methods you list'),
    code('unit_test', 'Unit Test', 'Unit test file (vitest / pytest)', { base_path: null }),
    code('integration_test', 'Integration Test', 'Integration test with an isolated temporary workspace'),
    doc('research', 'Research Document', 'Research phase findings and questions'),
    doc('planning', 'Planning Document', 'Planning phase: scope, prerequisites, phases and TDD cycles'),
    doc('design', 'Design Document', 'Design phase: options, decision, schemas and interfaces'),
    doc('architecture', 'Architecture Document', 'System architecture documentation', {
      states: ['DRAFT', 'REVIEW', 'APPROVED', 'DEFINITIVE'],
      initial_state: 'DRAFT',
      valid_transitions: [
        { from: 'DRAFT', to: ['REVIEW', 'APPROVED'] },
        { from: 'REVIEW', to: ['APPROVED', 'DRAFT'] },
        { from: 'APPROVED', to: ['DEFINITIVE'] },
      ],
    }),
    doc('reference', 'Reference Document', 'Reference documentation'),
    doc('tracking', 'Tracking Document', 'Living document for tracking project status', {
      states: ['LIVING DOCUMENT'],
      initial_state: 'LIVING DOCUMENT',
      valid_transitions: [],
    }),
    ephemeral('commit', 'Git Commit Message', 'Conventional commit message', '.txt'),
    ephemeral(
      'pr',
      'Pull Request Description',
      'Pull request description: summary, changes, testing, checklist',
      '.md',
    ),
    ephemeral('issue', 'GitHub Issue Description', 'Issue body: problem, expected, actual, reproduction', '.md'),
  ],
};

export interface LoadedRegistry {
  registry: ArtifactRegistry;
  source: 'builtin' | 'workspace';
  file?: string;
  warnings: Diagnostic[];
}

/** Loads `.st3/config/artifacts.yaml` (or `file`), else the built-in registry. Invalid → E_CONFIG_INVALID with every error. */
export async function loadArtifactRegistry(workspace: string | undefined, file?: string): Promise<LoadedRegistry> {
  const path = file ?? (workspace ? join(workspace, '.st3', 'config', 'artifacts.yaml') : undefined);
  if (file && !existsSync(file))
    throw new St3Error('E_FILE_NOT_FOUND', `artifact registry not found: ${file}`, {
      file,
      hint: 'check the --config path',
    });
  if (!path || !existsSync(path)) return { registry: DEFAULT_REGISTRY, source: 'builtin', warnings: [] };
  const result = await loadFile(path, { schema: ArtifactRegistrySchema, check: checkArtifactRegistry });
  if (result.errors.length > 0 || !result.value)
    throw errorFromDiagnostics('E_CONFIG_INVALID', 'invalid artifact registry', result.errors);
  return { registry: result.value, source: 'workspace', file: path, warnings: result.warnings };
}

export function languageOf(artifact: ArtifactType): Language | undefined {
  if (artifact.file_extension === '.ts' || artifact.file_extension === '.tsx') return 'ts';
  if (artifact.file_extension === '.py') return 'py';
  return undefined;
}

export const EXTENSION: Record<Language, string> = { ts: '.ts', py: '.py' };
