import { St3Error, type ArtifactType, type ScaffoldMetadataConfig } from '@st3/schemas';
import type { PlacementPolicy } from '../placement.js';
import type { Pipeline } from '../pipeline.js';
import { languageOf, type Language } from '../registry.js';
import type { TemplateStore } from '../templates/store.js';
import type { RenderRequest, ScaffolderOptions } from '../types.js';
import type { TemplateResolver } from './resolve.js';

/** What rendering needs from the loaded workspace. */
export interface RenderEnv {
  options: ScaffolderOptions;
  types: Map<string, ArtifactType>;
  resolver: TemplateResolver;
  /** The eta templates (built-in and workspace), where companion tests come from. */
  store: TemplateStore;
  metadataConfig: ScaffoldMetadataConfig;
  placement?: PlacementPolicy;
  /** `schema_first:` of the registry. */
  configPipeline?: boolean;
}

export function artifactOf(env: RenderEnv, type: string): ArtifactType {
  const artifact = env.types.get(type);
  if (!artifact)
    throw new St3Error('E_ARTIFACT_UNKNOWN', `unknown artifact type "${type}"`, {
      hint: `known types: ${[...env.types.keys()].join(', ')}`,
    });
  return artifact;
}

export function languageFor(env: RenderEnv, artifact: ArtifactType, request: RenderRequest): Language | undefined {
  return artifact.type === 'code'
    ? (request.language ?? env.options.language ?? languageOf(artifact) ?? 'ts')
    : undefined;
}

export function pipelineFor(env: RenderEnv, request: RenderRequest): Pipeline {
  if (request.pipeline) return request.pipeline;
  if (env.options.schemaFirst !== undefined) return env.options.schemaFirst ? 'v2' : 'v1';
  if (env.configPipeline !== undefined) return env.configPipeline ? 'v2' : 'v1';
  return 'v2';
}
