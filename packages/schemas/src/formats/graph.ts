import { z } from 'zod';

/**
 * Dependency graphs (DESIGN.md "Output contracts"). An edge `{from, to}` means `from` must come
 * before `to`: `to` depends on `from` (it uses a symbol `from` defines). So every edge goes from an
 * earlier wave to a later one, as in networkx's `topological_generations`.
 */
export const EdgeTypeSchema = z.enum(['import', 'function_call', 'variable', 'type', 'data_flow', 'dependency']);
export type EdgeType = z.infer<typeof EdgeTypeSchema>;

export const GraphNodeSchema = z.object({ id: z.string().min(1) }).loose();
export type GraphNode = z.infer<typeof GraphNodeSchema>;

export const GraphEdgeSchema = z
  .object({
    from: z.string().min(1),
    to: z.string().min(1),
    type: z.string().optional(),
    weight: z.number().nonnegative().optional(),
    symbols: z.array(z.string()).optional(),
  })
  .loose();
export type GraphEdge = z.infer<typeof GraphEdgeSchema>;

/** What `st3 graph` accepts as input: `{nodes, edges}`. */
export const GraphInputSchema = z.object({ nodes: z.array(GraphNodeSchema), edges: z.array(GraphEdgeSchema) }).loose();
export type GraphInput = z.infer<typeof GraphInputSchema>;

/** What `st3 graph --json` prints. */
export const GraphOutputSchema = GraphInputSchema.extend({
  cycles: z.array(z.array(z.string())),
  removedEdges: z.array(GraphEdgeSchema),
  waves: z.array(z.array(z.string())),
  stats: z.record(z.string(), z.unknown()),
});
export type GraphOutput = z.infer<typeof GraphOutputSchema>;
