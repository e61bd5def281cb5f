import { St3Error, type AttemptRecord, type GraphInput, type GraphNode, type NodeChange } from '@st3/schemas';
import { atomContext } from '../agents/atom-context.js';
import { parseAnswer } from '../agents/answer.js';
import { buildPrompt } from '../agents/prompt.js';
import type { Agent, AgentAnswer } from '../agents/types.js';
import { diffHunks, replacementHunk } from '../change/hunks.js';
import { codeDigest, locateLines, sha256, sliceLines, splitLines, unifiedDiff } from '../change/text.js';
import type { WorkspaceFiles } from '../change/workspace.js';
import { scoreConfidence, type ConfidenceScore } from '../confidence.js';
import { detectIssues, languageOf } from '../detectors/index.js';
import type { ReviewQueueApi } from '../review/queue.js';
import { guidanceFor, type Classification } from '../scheduler/retry.js';
import type { NodeContext, NodeReport, RunNode } from '../scheduler/types.js';
import type { Validator } from '../validate/validate.js';

export interface AgentRunnerOptions {
  agent: Agent;
  /** What the agent is asked to do to each atom. */
  instruction: string;
  files: WorkspaceFiles;
  validator: Validator;
  runId: string;
  /** Results below this confidence go to the review queue instead of the file (default 0.7). */
  reviewBelow?: number;
  /** The review queue (none, or a dry run: nothing is queued). */
  queue?: ReviewQueueApi;
  /** The whole graph (context only): the dependencies' signatures come from its nodes. */
  graph?: GraphInput;
  /** Reviewer feedback per node (rejected or sent back for regeneration), given to every attempt. */
  reviewerFeedback?: Record<string, string>;
}

export interface AgentNodeResult extends NodeReport {
  change: NodeChange;
}

type AtomNode = GraphNode & { path?: string; file?: string; startLine?: number; endLine?: number; code?: string };

/** An error that also carries the attempt's answer (for the run record and the next prompt). */
function withAnswer<E extends Error>(error: E, answer: AgentAnswer | undefined): E {
  if (!answer) return error;
  return Object.assign(error, {
    attemptInfo: { answer: answer.text.slice(0, 20_000), ...(answer.usage ? { usage: answer.usage } : {}) },
  });
}

function failure(code: string, category: Classification['category'], message: string): St3Error {
  return Object.assign(new St3Error(code, message), { category });
}

/**
 * The atom without the blank lines at its edges (the atomizer gives blank lines to the statement
 * after them): an answer that drops them would glue the atom to its neighbours.
 */
function withoutBlankEdges(text: string, atom: { code: string; start: number; end: number }) {
  const lines = splitLines(text);
  let { start, end } = atom;
  while (start < end && (lines[start - 1] ?? '').trim() === '') start++;
  while (end > start && (lines[end - 1] ?? '').trim() === '') end--;
  return { code: sliceLines(text, start, end), start, end };
}

/** The previous failed attempt of this run, as the prompt shows it. */
function previousAttempt(history: readonly AttemptRecord[]) {
  const last = [...history].reverse().find((a) => !a.ok && a.error);
  if (!last?.error) return undefined;
  const guidance = guidanceFor(last.error.category);
  return { answer: last.answer, category: last.error.category, message: last.error.message, guidance };
}

/**
 * The node runner of agent runs: one call is one attempt of one atom, independent of the scheduler
 * (the local loop or a queue worker calls it the same way). It locates the atom in its file as it is
 * now, builds the prompt (instruction, standalone context, code, reviewer feedback, the previous
 * failure), asks the agent at the attempt's temperature, parses the answer, validates the new file
 * (parse, atomicity, quality gates in a scratch copy), scores confidence, and then queues the change
 * for review or applies it (three-way merged with whatever other atoms of the file changed meanwhile,
 * checkpointed in the run record before the write).
 */
export function createAgentRunner(options: AgentRunnerOptions): RunNode<AgentNodeResult> {
  const reviewBelow = options.reviewBelow ?? 0.7;
  const byId = new Map((options.graph?.nodes ?? []).map((n) => [n.id, n as AtomNode]));
  const dependencies = new Map<string, string[]>();
  for (const e of options.graph?.edges ?? []) dependencies.set(e.to, [...(dependencies.get(e.to) ?? []), e.from]);
  /** The atom's code when the node carries none: its lines as first seen in this process. */
  const firstSeen = new Map<string, string>();

  const locate = (node: AtomNode, path: string, text: string) => {
    const start = node.startLine ?? 1;
    const end = node.endLine ?? splitLines(text).length;
    let code = node.code;
    if (code === undefined) {
      code = firstSeen.get(node.id) ?? sliceLines(text, start, end);
      firstSeen.set(node.id, code);
    }
    const range = locateLines(text, code, start);
    if (!range)
      throw Object.assign(
        new St3Error('E_ATOM_NOT_FOUND', `the code of ${node.id} is no longer in ${path} (near line ${start})`, {
          hint: 're-atomize the file and run again',
        }),
        { category: 'dependency' as const },
      );
    return { code, ...range };
  };

  /** A change checkpointed before a crash: done when the file holds it, else the node runs again. */
  const recover = async (path: string, saved: NodeChange): Promise<AgentNodeResult | undefined> => {
    const now = (await options.files.read(path)) ?? '';
    if (sha256(now) !== saved.afterSha256) return undefined;
    return { change: { ...saved, outcome: 'applied' } };
  };

  const dependencyContext = async (id: string) => {
    const out = [];
    for (const depId of dependencies.get(id) ?? []) {
      const dep = byId.get(depId);
      const depPath = dep?.path ?? dep?.file;
      if (!dep || !depPath) continue;
      const text = await options.files.read(depPath);
      const range = text !== undefined && dep.code ? locateLines(text, dep.code, dep.startLine) : undefined;
      out.push({
        id: depId,
        path: depPath,
        startLine: range?.start ?? dep.startLine,
        ...(typeof dep.name === 'string' ? { name: dep.name } : {}),
        ...(text !== undefined ? { text } : {}),
      });
    }
    return out;
  };

  return async (graphNode: GraphNode, ctx: NodeContext): Promise<AgentNodeResult> => {
    const node = graphNode as AtomNode;
    const path = node.path ?? node.file;
    if (!path)
      throw Object.assign(new St3Error('E_EXEC_GRAPH_INVALID', `node ${node.id} names no file (path)`), {
        category: 'dependency' as const,
      });
    if (ctx.saved) {
      const recovered = await recover(path, ctx.saved);
      if (recovered) return recovered;
    }
    const text = await options.files.read(path);
    if (text === undefined)
      throw Object.assign(new St3Error('E_ATOM_NOT_FOUND', `${path} does not exist`), {
        category: 'dependency' as const,
      });
    const atom = withoutBlankEdges(text, locate(node, path, text));
    const language = languageOf(path);
    const context = await atomContext({
      path,
      text,
      startLine: atom.start,
      endLine: atom.end,
      dependencies: await dependencyContext(node.id),
    });
    const messages = buildPrompt({
      instruction: options.instruction,
      file: path,
      language: context.record?.language ?? language,
      startLine: atom.start,
      endLine: atom.end,
      code: atom.code,
      context: context.markdown,
      ...(options.reviewerFeedback?.[node.id] ? { reviewerFeedback: options.reviewerFeedback[node.id] } : {}),
      ...(ctx.attempt > 1 && previousAttempt(ctx.history) ? { previous: previousAttempt(ctx.history)! } : {}),
    });
    const answer = await options.agent.generate({
      messages,
      ...(ctx.params.temperature !== undefined ? { temperature: ctx.params.temperature } : {}),
      attempt: ctx.attempt,
      node: { id: node.id, file: path, startLine: atom.start, endLine: atom.end },
      signal: ctx.signal,
    });
    const attemptInfo = { answer: answer.text.slice(0, 20_000), ...(answer.usage ? { usage: answer.usage } : {}) };
    let parsed;
    try {
      parsed = parseAnswer(answer.text, {
        file: path,
        language: context.record?.language ?? language,
        text,
        startLine: atom.start,
        endLine: atom.end,
      });
    } catch (error) {
      throw withAnswer(error as Error, answer);
    }
    const lines = {
      start: atom.start,
      end: atom.end,
      newEnd: atom.end + splitLines(parsed.text).length - splitLines(text).length,
    };
    if (parsed.text === text) {
      const sha = sha256(text);
      return {
        change: { file: path, outcome: 'unchanged', beforeSha256: sha, afterSha256: sha, diff: '', lines },
        attemptInfo,
      };
    }
    const validation = await options.validator.validate({
      path,
      before: text,
      after: parsed.text,
      start: lines.start,
      end: lines.end,
      newEnd: lines.newEnd,
      signal: ctx.signal,
    });
    if (!validation.ok)
      throw withAnswer(
        failure('E_VALIDATION_FAILED', validation.failure!.category, validation.failure!.message),
        answer,
      );
    const newCode = sliceLines(parsed.text, lines.start, Math.max(lines.start, lines.newEnd));
    const issues = await detectIssues(newCode, language);
    const confidence: ConfidenceScore = scoreConfidence({
      validation: validation.score * Math.max(0.5, 1 - 0.1 * issues.length),
      attempts: ctx.attempt,
      maxAttempts: ctx.maxAttempts,
      ...(validation.complexity !== undefined ? { complexity: validation.complexity } : {}),
      ...(validation.report.tests ? { integrationTests: validation.report.tests } : {}),
    });
    const base = {
      file: path,
      lines,
      codeSha1: codeDigest(newCode),
      confidence,
      validation: validation.report,
    };
    if (confidence.score < reviewBelow && options.queue && !options.files.dryRun) {
      const item = await options.queue.add({
        nodeId: node.id,
        runId: options.runId,
        file: path,
        startLine: lines.start,
        endLine: Math.max(lines.start, lines.newEnd),
        code: newCode,
        language,
        confidence,
        issues,
        originalCode: atom.code,
        patch: unifiedDiff(path, text, parsed.text),
        baseSha256: sha256(text),
        checks: validation.report,
      });
      return {
        change: {
          ...base,
          outcome: 'queued',
          beforeSha256: sha256(text),
          afterSha256: sha256(parsed.text),
          diff: unifiedDiff(path, text, parsed.text),
          reviewItem: item.id,
        },
        attemptInfo,
      };
    }
    // The exact edit (a block replaces the atom's lines; a diff is taken as the agent gave it).
    const hunks =
      parsed.kind === 'block' ? [replacementHunk(atom.start, atom.end, parsed.code!)] : diffHunks(text, parsed.text);
    let change!: NodeChange;
    try {
      await options.files.applyEdit(path, { base: text, hunks, label: node.id }, async (applied) => {
        change = {
          ...base,
          outcome: options.files.dryRun ? 'dry-run' : 'applying',
          beforeSha256: sha256(applied.before),
          afterSha256: sha256(applied.after),
          diff: unifiedDiff(path, applied.before, applied.after),
          ...(applied.rebasedOver.length > 0 ? { rebasedOver: applied.rebasedOver } : {}),
        };
        if (!options.files.dryRun) await ctx.checkpoint(change);
      });
    } catch (error) {
      throw withAnswer(error as Error, answer);
    }
    if (!options.files.dryRun) change.outcome = 'applied';
    if (options.queue && !options.files.dryRun)
      await closeOpenItem(options.queue, node.id, change.afterSha256, options.runId);
    return { change, attemptInfo };
  };
}

/** A rejected / sent-back item of the node is settled by the regenerated code just applied. */
async function closeOpenItem(queue: ReviewQueueApi, nodeId: string, sha: string, runId: string): Promise<void> {
  const open = (await queue.list()).filter(
    (i) => i.nodeId === nodeId && !i.applied && (i.status === 'rejected' || i.status === 'needs_regeneration'),
  );
  for (const item of open)
    await queue.markApplied(item.id, { sha256: sha, note: `regenerated and applied by ${runId}` });
}
