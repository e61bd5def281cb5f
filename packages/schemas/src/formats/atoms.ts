import { z } from 'zod';

/**
 * Atomizer output (DESIGN.md "Output contracts"): what `st3 atomize --json` prints and what
 * `@st3/dep-graph` reads. Lines are 1-based and inclusive.
 */
export const LanguageSchema = z.enum(['typescript', 'tsx', 'javascript', 'jsx', 'python']);
export type Language = z.infer<typeof LanguageSchema>;

export const FunctionInfoSchema = z
  .object({
    name: z.string(),
    kind: z
      .string()
      .describe(
        'function | method | getter | setter | constructor | arrow | function-expression | lambda | class-field | static-block ...',
      ),
    startLine: z.number().int().positive(),
    endLine: z.number().int().positive(),
    loc: z.number().int().nonnegative(),
    complexity: z.number().int().positive(),
  })
  .loose();
export type FunctionInfo = z.infer<typeof FunctionInfoSchema>;

export const ImportInfoSchema = z
  .object({
    module: z.string(),
    line: z.number().int().positive().optional(),
    default: z.string().optional(),
    namespace: z.string().optional(),
    named: z
      .array(z.object({ name: z.string(), alias: z.string().optional(), typeOnly: z.boolean().optional() }).loose())
      .optional(),
    typeOnly: z.boolean().optional(),
  })
  .loose();
export type ImportInfo = z.infer<typeof ImportInfoSchema>;

export const AtomicityViolationSchema = z.object({
  criterion: z.string(),
  severity: z.enum(['critical', 'warning', 'info']),
  message: z.string(),
  suggestion: z.string().optional(),
});

export const AtomSchema = z
  .object({
    /** Stable: path + line range + content hash. */
    id: z.string(),
    path: z.string(),
    startLine: z.number().int().positive(),
    endLine: z.number().int().positive(),
    loc: z.number().int().nonnegative(),
    complexity: z.number().int().nonnegative(),
    kind: z.string(),
    name: z.string().optional(),
    /** Scope chain, outermost first: `["module", "class Foo", "function bar"]`. */
    scope: z.array(z.string()).optional(),
    code: z.string().optional(),
    /** Symbols the atom defines and the free symbols it uses. */
    symbols: z.object({ defined: z.array(z.string()), used: z.array(z.string()) }).loose(),
    /** Ids of atoms (same file) that define what this atom uses. */
    dependsOn: z.array(z.string()),
    context: z.record(z.string(), z.unknown()),
    atomicity: z
      .object({ score: z.number(), atomic: z.boolean(), violations: z.array(AtomicityViolationSchema) })
      .loose(),
  })
  .loose();
export type Atom = z.infer<typeof AtomSchema>;

export const AtomizedFileSchema = z
  .object({
    path: z.string(),
    language: z.string(),
    loc: z.number().int().nonnegative(),
    functions: z.array(FunctionInfoSchema),
    imports: z.array(ImportInfoSchema),
    atoms: z.array(AtomSchema),
  })
  .loose();
export type AtomizedFile = z.infer<typeof AtomizedFileSchema>;

export const AtomizeOutputSchema = z.object({ files: z.array(AtomizedFileSchema) }).loose();
export type AtomizeOutput = z.infer<typeof AtomizeOutputSchema>;
