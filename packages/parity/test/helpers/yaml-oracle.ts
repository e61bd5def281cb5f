import { createRequire } from 'node:module';

/** The `yaml` package is the oracle: a dependency of @st3/schemas (not of @st3/parity), loaded from there. */
interface YamlPackage {
  parseAllDocuments(text: string): { errors: unknown[]; toJS(): unknown }[] | { errors: unknown[] };
}
const fromSchemas = createRequire(createRequire(import.meta.url).resolve('@st3/schemas/package.json'));
const yaml = fromSchemas('yaml') as YamlPackage;

/** The values of a YAML text's documents as the `yaml` package reads them, or undefined when it is not valid YAML. */
export function yamlValues(text: string): unknown[] | undefined {
  const docs = yaml.parseAllDocuments(text);
  if (!Array.isArray(docs) || docs.some((d) => d.errors.length > 0)) return undefined;
  return docs.map((d) => d.toJS());
}
