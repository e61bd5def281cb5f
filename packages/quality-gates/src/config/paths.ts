/** The config file of a workspace, relative to its root. */
export const QUALITY_CONFIG_PATH = '.st3/config/quality.yaml';

/** Where a workspace keeps quality.yaml as last validated (`cachedQualityConfig`), relative to its root. */
export const QUALITY_CONFIG_CACHE = '.st3/cache/quality-config.json';
