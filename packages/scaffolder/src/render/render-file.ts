import { createHash } from 'node:crypto';
import type { ArtifactType, Diagnostic, ScaffoldAnswer, ScaffoldMetadataConfig } from '@st3/schemas';
import type { ContextSource } from '../context-source.js';
import { helpers } from '../naming.js';
import { looseContext, schemaFirstContext, withLifecycle, type Pipeline } from '../pipeline.js';
import { blankStamps, formatHeader, isoSeconds, parseHeader } from '../provenance/header.js';
import { initialStateOf, type Language } from '../registry.js';
import type { TemplateChain, TemplateSource } from '../templates/store.js';
import { toLf } from '../update/line-endings.js';
import type { ResolvedTemplate } from './resolve.js';

export interface RenderedText {
  text: string;
  chain: TemplateChain;
  /** The context after validation (v2) or fallbacks (v1). */
  ctx: Record<string, unknown>;
}

export interface RenderOneInput {
  artifact: ArtifactType;
  template: ResolvedTemplate;
  context: Record<string, unknown>;
  path: string;
  created: Date;
  pipeline: Pipeline;
  warnings: Diagnostic[];
  lang: Language | undefined;
  metadataConfig: ScaffoldMetadataConfig;
  /** The file the context came from: v2 errors at its values point at their file:line:col. */
  source?: ContextSource;
}

/** Renders one file: validates (v2) or fills (v1) the context, adds the lifecycle fields, renders the chain. */
export function renderOne(input: RenderOneInput): RenderedText {
  const { artifact, template, path, created, pipeline, lang } = input;
  const { source, id } = template;
  const chain = source.chain(id);
  const ctx =
    pipeline === 'v2'
      ? schemaFirstContext(
          chain.concrete,
          input.context,
          artifact.type_id,
          artifact.state_machine,
          input.warnings,
          input.source,
        )
      : looseContext(source, id, input.context, input.warnings);
  if (pipeline === 'v2') layoutDefaults(source, chain, ctx);
  const stamp = isoSeconds(created);
  const header =
    artifact.output_type === 'ephemeral'
      ? undefined
      : formatHeader({ path, template: artifact.type_id, version: chain.hash, created: stamp }, input.metadataConfig);
  const lifecycle = {
    output_path: path,
    scaffold_created: stamp,
    template_id: templateId(id),
    version_hash: chain.hash,
    artifact_type: artifact.type_id,
    state: typeof ctx.status === 'string' ? ctx.status : initialStateOf(artifact),
    header: header ?? '',
  };
  const data: Record<string, unknown> =
    source.engine === 'eta'
      ? withLifecycle(ctx, lifecycle)
      : // Jinja templates read the lifecycle fields at the top level too, as the seed's RenderContext has them
        { ...lifecycle, ...withLifecycle(ctx, lifecycle) };
  data.h = helpers;
  data.lang = lang;
  let text = `${source.render(id, data).trimEnd()}\n`;
  // eta templates carry the header in their base layer; a Jinja template that prints none gets it here
  if (header && source.engine !== 'eta' && parseHeader(text, path, input.metadataConfig).status === 'none')
    text = `${header}\n${text}`;
  return { text, chain, ctx };
}

/**
 * Fills, in a validated (v2) context, the fields the chain's layouts declare defaults for and the context
 * lacks (kind/document's `version`): a user's context schema is written for the concrete template and does
 * not know what the layouts read, and a layout's value must never print as `undefined`. The concrete
 * template's own defaults are left to its schema.
 */
function layoutDefaults(source: TemplateSource, chain: TemplateChain, ctx: Record<string, unknown>): void {
  if (source.engine !== 'eta') return;
  // innermost layout first: the closest declaration wins
  for (const layout of chain.layouts)
    for (const [key, value] of Object.entries(layout.meta.defaults ?? {})) if (ctx[key] === undefined) ctx[key] = value;
}

/** `concrete/dto.ts` → `dto.ts`, `concrete/dto.py.jinja2` → `dto.py`: the seed's template_id form. */
export function templateId(id: string): string {
  return id.replace(/^concrete\//, '').replace(/\.(jinja2?|j2)$/, '');
}

/**
 * SHA-256 of generated text with its header stamps blanked and CRLF folded to LF: equal for a file nobody
 * edited, also in a CRLF checkout of it (git `core.autocrlf`, `eol=crlf`), which is the same text.
 */
export function contentHash(text: string): string {
  return sha256(blankStamps(toLf(text)));
}

/**
 * Whether `text` is what was recorded as `recorded` (a `content_sha256`), line endings aside. A record
 * made before hashes folded CRLF holds the hash of the exact text: that one still matches too.
 */
export function matchesContentHash(text: string, recorded: string): boolean {
  return contentHash(text) === recorded || sha256(blankStamps(text)) === recorded;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** What a file was rendered from, for `.st3/scaffold/answers.json`. */
export function answerFor(input: {
  artifact: ArtifactType;
  role: 'main' | 'test';
  name: string;
  lang: Language | undefined;
  pipeline: Pipeline;
  context: Record<string, unknown>;
  outPath: string;
  testPath?: string;
  withTest: boolean;
  baseDir?: string;
  template: ResolvedTemplate;
  chain: TemplateChain;
  created: Date;
  text: string;
}): ScaffoldAnswer {
  return {
    artifact_type: input.artifact.type_id,
    role: input.role,
    name: input.name,
    ...(input.lang ? { language: input.lang } : {}),
    pipeline: input.pipeline,
    context: input.context,
    out_path: input.outPath,
    ...(input.testPath ? { test_path: input.testPath } : {}),
    with_test: input.withTest,
    ...(input.baseDir ? { base_dir: input.baseDir } : {}),
    template_id: input.template.id,
    template_version: input.chain.concrete.meta.version,
    version_hash: input.chain.hash,
    engine: input.template.source.engine,
    created: isoSeconds(input.created),
    content_sha256: contentHash(input.text),
  };
}
