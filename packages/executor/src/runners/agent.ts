import { St3Error, type AttemptRecord, type GraphInput, type NodeChange } from '@st3/schemas';
import { parseAnswer, type ParsedAnswer } from '../agents/answer.js';
import { buildPrompt } from '../agents/prompt.js';
import type { Agent, AgentAnswer, CategorizedError } from '../agents/types.js';
import { codeDigest, sha256, sliceLines, splitLines, unifiedDiff } from '../change/text.js';
import type { WorkspaceFiles } from '../change/workspace.js';
import { scoreConfidence, type ConfidenceScore } from '../confidence.js';
import { detectIssues, type CodeIssue } from '../detectors/index.js';
import type { ReviewQueueApi } from '../review/queue.js';
import { guidanceFor, type Classification } from '../scheduler/retry.js';
import type { NodeContext, NodeReport, RunNode } from '../scheduler/types.js';
import type { ValidationOutcome, Validator } from '../validate/validate.js';
import { atomLookup, readAtom, recover, type AtomLookup, type AtomNode, type AtomSource } from './agent-source.js';

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

/** The previous failed attempt of this run, as the prompt shows it. */
function previousAttempt(history: readonly AttemptRecord[]) {
  const last = [...history].reverse().find((a) => !a.ok && a.error);
  if (!last?.error) return undefined;
  const guidance = guidanceFor(last.error.category);
  return { answer: last.answer, category: last.error.category, message: last.error.message, guidance };
}

/** What every attempt of one runner shares. */
interface AgentRunner {
  options: AgentRunnerOptions;
  reviewBelow: number;
  lookup: AtomLookup;
}

/** One attempt of one atom. */
interface AgentAttempt {
  runner: AgentRunner;
  node: AtomNode;
  ctx: NodeContext;
  /** The atom's file (relative to the workspace root). */
  path: string;
}

/** The agent's answer, parsed: the whole new file and the atom's lines before and after. */
interface AgentEdit extends AtomSource {
  answer: AgentAnswer;
  attemptInfo: NonNullable<NodeReport['attemptInfo']>;
  parsed: ParsedAnswer;
  lines: { start: number; end: number; newEnd: number };
}

/** An edit that passed validation: its new code, the issues found in it and the confidence in it. */
interface CheckedEdit extends AgentEdit {
  validation: ValidationOutcome;
  newCode: string;
  issues: CodeIssue[];
  confidence: ConfidenceScore;
  /** The change's fields whatever becomes of it (queued or applied). */
  base: Pick<NodeChange, 'file' | 'lines' | 'codeSha1' | 'validation'> & { confidence: ConfidenceScore };
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
  const runner: AgentRunner = {
    options,
    reviewBelow: options.reviewBelow ?? 0.7,
    lookup: atomLookup(options.files, options.graph),
  };
  return (graphNode, ctx) => runAgentAttempt(runner, graphNode as AtomNode, ctx);
}

/** One attempt: recover a checkpointed change, or generate, validate, then queue or apply the edit. */
async function runAgentAttempt(runner: AgentRunner, node: AtomNode, ctx: NodeContext): Promise<AgentNodeResult> {
  const path = node.path ?? node.file;
  if (!path)
    throw Object.assign(new St3Error('E_EXEC_GRAPH_INVALID', `node ${node.id} names no file (path)`), {
      category: 'dependency' as const,
    });
  if (ctx.saved) {
    const recovered = await recover(runner.options.files, path, ctx.saved);
    if (recovered) return recovered;
  }
  const attempt: AgentAttempt = { runner, node, ctx, path };
  const source = await readAtom(runner.lookup, node, path);
  const answered = parseEdit(attempt, source, await askAgent(attempt, source));
  const unchanged = leftUnchanged(answered);
  // Not the task done: a failed attempt, retried with feedback; the last one goes to a reviewer (or fails).
  if (unchanged && (ctx.attempt < ctx.maxAttempts || (!runner.options.queue && !runner.options.files.dryRun)))
    throw withAnswer(unchangedFailure(answered), answered.answer);
  // The atom as it was (whitespace the answer changed included): approving the item writes nothing.
  const edit = unchanged ? asItWas(answered) : answered;
  const checked = await checkEdit(attempt, edit);
  const { options } = runner;
  const reviewReason = unchanged ? UNCHANGED_ANSWER_REASON : reviewReasonOf(checked, runner.reviewBelow);
  if (reviewReason && options.queue && !options.files.dryRun)
    return queueForReview(attempt, checked, options.queue, reviewReason);
  // A dry run writes nothing and queues nothing: the change says it would have gone to review.
  return writeEdit(attempt, checked, options.files.dryRun ? reviewReason : undefined);
}

/** Why a checked change goes to review instead of the file; undefined when it may be applied. */
function reviewReasonOf(checked: CheckedEdit, reviewBelow: number): string | undefined {
  const removed = checked.validation.removedDefinitions ?? [];
  if (removed.length > 0) return `the answer removes definitions the atom had: ${removed.join(', ')}`;
  const unjudged = unjudgedGates(checked.validation);
  if (unjudged.length > 0) return `not judged by ${unjudged.join(', ')}`;
  const score = checked.confidence.score;
  return score < reviewBelow ? `confidence ${score} below ${reviewBelow}` : undefined;
}

/**
 * The configured gates that ran on the change but could not judge it (the tool missing or crashing:
 * `error`; failing before and after with nothing parsed: `not measured`). Such a change goes to review
 * whatever its score: its confidence alone could clear it with a gate that never saw it pass. (No gate
 * at all — `*`, none configured or taking the file — only lowers the score.)
 */
function unjudgedGates(validation: ValidationOutcome): string[] {
  return (validation.report.gates ?? [])
    .filter((g) => g.id !== '*' && (g.status === 'error' || g.status === 'not measured'))
    .map((g) => g.id);
}

/** Builds the prompt and asks the agent, at the attempt's temperature. */
async function askAgent(attempt: AgentAttempt, source: AtomSource): Promise<AgentAnswer> {
  const { runner, node, ctx, path } = attempt;
  const { options } = runner;
  const { atom, context } = source;
  const messages = buildPrompt({
    instruction: options.instruction,
    file: path,
    language: context.record?.language ?? source.language,
    startLine: atom.start,
    endLine: atom.end,
    code: atom.code,
    context: context.markdown,
    ...(options.reviewerFeedback?.[node.id] ? { reviewerFeedback: options.reviewerFeedback[node.id] } : {}),
    ...(ctx.attempt > 1 && previousAttempt(ctx.history) ? { previous: previousAttempt(ctx.history)! } : {}),
  });
  try {
    return await options.agent.generate({
      messages,
      ...(ctx.params.temperature !== undefined ? { temperature: ctx.params.temperature } : {}),
      attempt: ctx.attempt,
      node: { id: node.id, file: path, startLine: atom.start, endLine: atom.end },
      signal: ctx.signal,
    });
  } catch (error) {
    // An answer refused as a whole (cut off) still goes into the record and the next prompt.
    throw withAnswer(error as Error, (error as CategorizedError | undefined)?.answer);
  }
}

/** Parses the answer into the new file (an unusable answer fails the attempt, carrying the answer). */
function parseEdit(attempt: AgentAttempt, source: AtomSource, answer: AgentAnswer): AgentEdit {
  const { text, atom, context } = source;
  const attemptInfo = { answer: answer.text.slice(0, 20_000), ...(answer.usage ? { usage: answer.usage } : {}) };
  let parsed;
  try {
    parsed = parseAnswer(answer.text, {
      file: attempt.path,
      language: context.record?.language ?? source.language,
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
  return { ...source, answer, attemptInfo, parsed, lines };
}

/** Why a change whose answer left the atom as it was is queued for review (or, in a dry run, would be). */
export const UNCHANGED_ANSWER_REASON = 'the agent returned the atom unchanged';

/**
 * Whether the answer gives back the atom's code as it was: whitespace at line ends and blank lines
 * around it aside (line endings and dropped indentation parseAnswer already made the file's own).
 */
function leftUnchanged(edit: AgentEdit): boolean {
  const { lines, parsed, atom } = edit;
  if (lines.newEnd < lines.start) return atom.code.trim() === '';
  return sameCode(sliceLines(parsed.text, lines.start, lines.newEnd), atom.code);
}

function sameCode(a: string, b: string): boolean {
  const core = (code: string) =>
    code
      .split(/\r?\n/)
      .map((line) => line.trimEnd())
      .join('\n')
      .replace(/^\n+|\n+$/g, '');
  return core(a) === core(b);
}

/** The edit of an answer that left the atom unchanged, as the file is: no line of it changes. */
function asItWas(edit: AgentEdit): AgentEdit {
  return {
    ...edit,
    parsed: { ...edit.parsed, text: edit.text, code: edit.atom.code },
    lines: { ...edit.lines, newEnd: edit.lines.end },
  };
}

/** An answer that left the atom unchanged: an unusable answer (E_AGENT_ANSWER), its feedback for the retry. */
function unchangedFailure(edit: AgentEdit): St3Error {
  return failure(
    'E_AGENT_ANSWER',
    'logic',
    `the answer is the atom unchanged (lines ${edit.lines.start}-${edit.lines.end}): it does not do the task; ` +
      'return the atom with the instruction carried out',
  );
}

/**
 * Validates the new file (a failure fails the attempt, carrying the answer), looks for issues in the
 * new code and scores the confidence in it.
 */
async function checkEdit(attempt: AgentAttempt, edit: AgentEdit): Promise<CheckedEdit> {
  const { runner, ctx, path } = attempt;
  const { text, parsed, lines, language } = edit;
  const { queue, files } = runner.options;
  const validation = await runner.options.validator.validate({
    path,
    before: text,
    after: parsed.text,
    start: lines.start,
    end: lines.end,
    newEnd: lines.newEnd,
    signal: ctx.signal,
    // Dropped definitions fail the attempt (retried with why); the last one goes to a reviewer, who may
    // mean the removal (or fails when there is none to ask).
    refuseRemovals: ctx.attempt < ctx.maxAttempts || (!queue && !files.dryRun),
  });
  if (!validation.ok)
    throw withAnswer(
      failure('E_VALIDATION_FAILED', validation.failure!.category, validation.failure!.message),
      edit.answer,
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
  const base = { file: path, lines, codeSha1: codeDigest(newCode), confidence, validation: validation.report };
  return { ...edit, validation, newCode, issues, confidence, base };
}

/** Low confidence: the change goes to the review queue instead of the file. */
async function queueForReview(
  attempt: AgentAttempt,
  edit: CheckedEdit,
  queue: ReviewQueueApi,
  reviewReason: string,
): Promise<AgentNodeResult> {
  const { node, path, runner } = attempt;
  const { text, parsed, lines, newCode, validation } = edit;
  const item = await queue.add({
    nodeId: node.id,
    runId: runner.options.runId,
    file: path,
    startLine: lines.start,
    endLine: Math.max(lines.start, lines.newEnd),
    code: newCode,
    language: edit.language,
    confidence: edit.confidence,
    issues: edit.issues,
    originalCode: edit.atom.code,
    patch: unifiedDiff(path, text, parsed.text),
    baseSha256: sha256(text),
    checks: validation.report,
  });
  return {
    change: {
      ...edit.base,
      outcome: 'queued',
      beforeSha256: sha256(text),
      afterSha256: sha256(parsed.text),
      diff: unifiedDiff(path, text, parsed.text),
      reviewItem: item.id,
      reviewReason,
    },
    attemptInfo: edit.attemptInfo,
  };
}

/**
 * Applies the change to the file, rebased over other atoms' changes written since the file was read,
 * with the change checkpointed in the run record just before the write (in a dry run: only recorded).
 */
async function writeEdit(attempt: AgentAttempt, edit: CheckedEdit, reviewReason?: string): Promise<AgentNodeResult> {
  const { runner, node, ctx, path } = attempt;
  const { files, queue, runId } = runner.options;
  const { text, parsed, lines } = edit;
  // The exact edit: the atom's lines become its new lines (a diff that changes any other line was
  // refused by parseAnswer), so it rebases over other atoms' edits of the file like a block does.
  const hunks = [
    { start: lines.start - 1, end: lines.end, lines: splitLines(parsed.text).slice(lines.start - 1, lines.newEnd) },
  ];
  let change!: NodeChange;
  try {
    await files.applyEdit(path, { base: text, hunks, label: node.id }, async (applied) => {
      change = {
        ...edit.base,
        outcome: files.dryRun ? 'dry-run' : 'applying',
        beforeSha256: sha256(applied.before),
        afterSha256: sha256(applied.after),
        diff: unifiedDiff(path, applied.before, applied.after),
        ...(applied.rebasedOver.length > 0 ? { rebasedOver: applied.rebasedOver } : {}),
        ...(reviewReason ? { reviewReason } : {}),
      };
      if (!files.dryRun) await ctx.checkpoint(change);
    });
  } catch (error) {
    throw withAnswer(notRetriedIfUnwritable(error as Error), edit.answer);
  }
  if (!files.dryRun) change.outcome = 'applied';
  if (queue && !files.dryRun) await closeOpenItem(queue, node.id, change.afterSha256, runId);
  return { change, attemptInfo: edit.attemptInfo };
}

/**
 * A validated change whose file could not be written (read-only, a full disk) fails for good: another
 * answer would meet the same file, so no agent call is spent on it. A conflict (the file changed
 * meanwhile) or a lock not had in time is still retried.
 */
function notRetriedIfUnwritable(error: Error): Error {
  return (error as { code?: unknown }).code === 'E_WRITE' ? Object.assign(error, { retryable: false }) : error;
}

/** A rejected / sent-back item of the node is settled by the regenerated code just applied. */
async function closeOpenItem(queue: ReviewQueueApi, nodeId: string, sha: string, runId: string): Promise<void> {
  const open = (await queue.list()).filter(
    (i) => i.nodeId === nodeId && !i.applied && (i.status === 'rejected' || i.status === 'needs_regeneration'),
  );
  for (const item of open)
    await queue.markApplied(item.id, { sha256: sha, by: runId, note: 'its node regenerated, validated and applied' });
}
