import { St3Error, type ArtifactType, type Diagnostic } from '@st3/schemas';
import { EXTENSION, type Language } from '../registry.js';
import type { JinjaStore } from '../templates/jinja.js';
import type { TemplateSource, TemplateStore } from '../templates/store.js';

/** A template chosen to render one file: which source holds it and its id there. */
export interface ResolvedTemplate {
  source: TemplateSource;
  id: string;
}

export interface Resolution {
  template: ResolvedTemplate;
  warnings: Diagnostic[];
}

const JINJA = /\.(jinja2?|j2)$/;

/**
 * Decides which template renders an artifact. `template_path` of `artifacts.yaml` wins when it names
 * a template of the requested language: a `.jinja2` file under the template root (nunjucks), or an
 * eta template id; else its `fallback_template`; else the built-in eta template, with a warning that
 * names both. A substitution is never silent, and no template at all is E_ARTIFACT_UNKNOWN.
 */
export class TemplateResolver {
  constructor(
    private readonly eta: TemplateStore,
    private readonly jinja: JinjaStore | undefined,
    /** The template root as the user configured it (for messages). */
    private readonly rootLabel: string,
  ) {}

  /** The built-in (or workspace eta) id of an artifact, e.g. `concrete/service_query.py`. */
  builtinId(artifact: ArtifactType, lang: Language | undefined, context: Record<string, unknown>): string {
    const ext = lang ? EXTENSION[lang] : artifact.file_extension;
    return `concrete/${artifact.type_id}${variantOf(artifact, context)}${ext}`;
  }

  resolve(artifact: ArtifactType, lang: Language | undefined, context: Record<string, unknown>): Resolution {
    const builtin = this.builtinId(artifact, lang, context);
    const configured = this.configured(artifact, artifact.template_path, lang, context);
    const warnings: Diagnostic[] = [];
    if (configured) {
      const found = this.find(configured);
      if (found) return { template: found, warnings };
      const fallback = this.configured(artifact, artifact.fallback_template, lang, context);
      const viaFallback = fallback ? this.find(fallback) : undefined;
      if (viaFallback) {
        warnings.push(substitution(artifact, configured, `its fallback_template ${fallback}`, this.rootLabel));
        return { template: viaFallback, warnings };
      }
      if (this.eta.has(builtin)) {
        warnings.push(substitution(artifact, configured, `the built-in ${builtin} (eta)`, this.rootLabel));
        return { template: { source: this.eta, id: builtin }, warnings };
      }
      throw new St3Error(
        'E_ARTIFACT_UNKNOWN',
        `artifact type "${artifact.type_id}" has no template: ${configured} is not under ${this.rootLabel} and there is no built-in ${builtin}`,
        { hint: `add ${this.rootLabel}/${configured}, or fix template_path in artifacts.yaml` },
      );
    }
    if (this.eta.has(builtin)) return { template: { source: this.eta, id: builtin }, warnings };
    throw new St3Error('E_ARTIFACT_UNKNOWN', `artifact type "${artifact.type_id}" has no template ${builtin}`, {
      hint: `add .st3/templates/${builtin}.eta, or pick a language with a template: ${this.languagesOf(artifact).join(', ') || 'none'}`,
    });
  }

  /** Languages an artifact type can be rendered in (code types only). */
  languagesOf(artifact: ArtifactType): Language[] {
    if (artifact.type !== 'code') return [];
    return (['ts', 'py'] as const).filter((lang) => {
      if (this.eta.has(this.builtinId(artifact, lang, {}))) return true;
      const configured = this.configured(artifact, artifact.template_path, lang, {});
      return configured !== undefined && this.find(configured) !== undefined;
    });
  }

  private find(path: string): ResolvedTemplate | undefined {
    if (JINJA.test(path)) return this.jinja?.has(path) ? { source: this.jinja, id: path } : undefined;
    const id = path.replace(/\.eta$/, '');
    return this.eta.has(id) ? { source: this.eta, id } : undefined;
  }

  /**
   * `template_path` (or `fallback_template`) for this request: the service variant substituted
   * (`service_command` → `service_query`), undefined when unset or written for another language.
   */
  private configured(
    artifact: ArtifactType,
    path: string | null | undefined,
    lang: Language | undefined,
    context: Record<string, unknown>,
  ): string | undefined {
    if (!path) return undefined;
    const target = path.replace(JINJA, '').replace(/\.eta$/, '');
    const wanted = lang ? EXTENSION[lang] : artifact.file_extension;
    if (!target.endsWith(wanted)) return undefined;
    const variant = variantOf(artifact, context);
    return variant ? path.replace(/service_command/, `service${variant}`) : path;
  }
}

function variantOf(artifact: ArtifactType, context: Record<string, unknown>): string {
  return artifact.type_id === 'service' ? `_${String(context.service_type ?? 'command')}` : '';
}

function substitution(artifact: ArtifactType, configured: string, instead: string, root: string): Diagnostic {
  return {
    code: 'W_TEMPLATE_FALLBACK',
    severity: 'warning',
    message: `template ${configured} (template_path of "${artifact.type_id}") is not under ${root}: rendering ${instead}`,
    hint: `add ${root}/${configured}, or change template_path in artifacts.yaml to stop this warning`,
  };
}
