import type {
  AttemptParams,
  AttemptRecord,
  ErrorCategory,
  GraphNode,
  NodeChange,
  NodeState,
  RunState,
  RunStatus,
  TelemetryHandle,
} from '@st3/schemas';
import type { Clock } from './clock.js';
import type { RetryOptions } from './retry.js';
import type { RunStore } from './run-store.js';
import type { ExecuteStats } from './stats.js';
import type { SchedulerBackend } from './local.js';

export interface NodeContext {
  /** 1-based attempt number. */
  attempt: number;
  maxAttempts: number;
  /** This attempt's parameters (temperature from the schedule, plus classifier adjustments). */
  params: AttemptParams;
  /** What went wrong before (previous failure's category and message), or review feedback. */
  feedback?: string;
  /** Earlier attempts of this node in this run. */
  history: readonly AttemptRecord[];
  /** Aborted on the per-node timeout or when the whole run is cancelled. */
  signal: AbortSignal;
  timeoutMs?: number;
  /** The result of a node this one depends on (undefined when none was kept). */
  resultOf(id: string): unknown;
  /**
   * Records the node's change in the run state and waits until the state is saved: a node calls it
   * before writing a file, so a run killed in between can tell on resume whether the write happened.
   */
  checkpoint(change: NodeChange): Promise<void>;
  /** The change an interrupted earlier run checkpointed for this node (outcome `applying`), if any. */
  saved?: NodeChange;
}

export type RunNode<R = unknown> = (node: GraphNode, context: NodeContext) => Promise<R>;

/**
 * What a node runner may return (or attach to the error it throws) besides its result: the change it
 * made (kept in the node's state) and per-attempt data (kept in the attempt record).
 */
export interface NodeReport {
  change?: NodeChange;
  attemptInfo?: Pick<AttemptRecord, 'answer' | 'usage'>;
}

/** Tokens an agent reported over a node's attempts (absent when none reported any). */
export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
}

export type ExecuteEvent =
  | { type: 'run:start'; runId: string; total: number; reused: number; mode: 'eager' | 'waves' }
  | { type: 'wave:start'; wave: number; size: number }
  | { type: 'node:start'; id: string; attempt: number; params: AttemptParams }
  | { type: 'node:retry'; id: string; attempt: number; category: ErrorCategory; message: string; delayMs: number }
  | {
      type: 'node:success';
      id: string;
      attempts: number;
      durationMs: number;
      /** What became of the node's change (agent nodes), and its confidence score. */
      outcome?: NodeChange['outcome'];
      confidence?: number;
      usage?: TokenUsage;
    }
  | {
      type: 'node:failure';
      id: string;
      attempts: number;
      category: ErrorCategory;
      message: string;
      usage?: TokenUsage;
    }
  | { type: 'node:skip'; id: string; because: string; via: string }
  | { type: 'node:reuse'; id: string }
  | { type: 'progress'; done: number; total: number; running: number }
  | { type: 'run:end'; status: RunStatus; stats: ExecuteStats };

export interface ExecuteOptions extends RetryOptions {
  /** `eager` (default): a node starts once its own dependencies succeeded. `waves`: wave N starts when wave N-1 is done. */
  mode?: 'eager' | 'waves';
  /** Nodes running at once (default 100). */
  concurrency?: number;
  /** Per-attempt time limit; a node's own `timeoutMs` field overrides it. */
  timeoutMs?: number;
  /** Cancels the whole run: running attempts are aborted, pending nodes end `cancelled`. */
  signal?: AbortSignal;
  clock?: Clock;
  onEvent?: (event: ExecuteEvent) => void;
  runId?: string;
  /** Persists the run state after transitions (coalesced, paced: see ADR 0092) and at the end. */
  store?: RunStore;
  /** A saved state of this graph: its succeeded nodes are kept, the others run again. */
  resume?: RunState;
  /** Feedback for a node's first attempt (e.g. a reviewer's "regenerate" note). */
  feedback?: Record<string, string>;
  /** Nodes done before this run (applied or approved earlier), with the reason: they count as succeeded and do not run. */
  done?: Record<string, string>;
  /** Extra options saved with the run (e.g. the command), so a resume can reuse them. */
  saveOptions?: Record<string, unknown>;
  /** Keep each node's (JSON-able) result in the state (default true). */
  keepResults?: boolean;
  /** Receives `executor.nodes|attempts|retries|failed` counters and duration histograms (see telemetry.ts). */
  telemetry?: TelemetryHandle;
  /** Where nodes run (default: this process, `localBackend`). */
  backend?: SchedulerBackend;
}

export interface ExecuteResult {
  runId: string;
  status: RunStatus;
  nodes: Record<string, NodeState>;
  stats: ExecuteStats;
  state: RunState;
}
