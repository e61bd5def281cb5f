import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { St3Error, type St3ErrorJson } from '@st3/schemas';
import type { AnyTool, ToolContext, ToolProgress } from './tool.js';

/** What the main thread sends a worker. */
export type ToWorker =
  | { type: 'run'; id: number; tool: string; args: unknown; root: string }
  | { type: 'cancel'; id: number; reason: string };

/** What a worker sends back. */
export type FromWorker =
  | { type: 'progress'; id: number; step: ToolProgress }
  | { type: 'result'; id: number; value: unknown }
  | { type: 'error'; id: number; error: St3ErrorJson };

/** How long a cancelled call may take to wind down (kill its processes) before its thread is stopped. */
const CANCEL_GRACE_MS = 1000;
/** An idle thread is kept this long for the next call (loading the libraries again costs a few hundred ms). */
const IDLE_MS = 60_000;

/**
 * The worker script: `offload-worker.js` next to this module once built. Run from the sources (the
 * package's own tests), the built one in `dist/` serves — `pnpm test` builds the package first.
 */
function workerUrl(): URL | undefined {
  for (const rel of ['./offload-worker.js', '../dist/offload-worker.js']) {
    const url = new URL(rel, import.meta.url);
    if (url.protocol === 'file:' && existsSync(fileURLToPath(url))) return url;
  }
  return undefined;
}

interface Slot {
  worker: Worker;
  idleTimer?: NodeJS.Timeout;
}

/**
 * A few worker threads that run the CPU-heavy tools (graph analysis, plan validation, atomizing) so
 * that the server's event loop keeps answering other requests meanwhile. One call per thread at a
 * time; calls beyond the pool's size wait for a free thread. Idle threads do not keep the process alive.
 */
class OffloadPool {
  private readonly idle: Slot[] = [];
  private busy = 0;
  private readonly waiting: (() => void)[] = [];
  private nextId = 1;
  constructor(
    private readonly url: URL,
    private readonly size: number,
  ) {}

  async run(tool: AnyTool, args: unknown, ctx: ToolContext): Promise<unknown> {
    if (this.busy >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.busy++;
    try {
      if (ctx.signal.aborted) throw interrupted(ctx.signal);
      const slot = this.idle.pop() ?? { worker: new Worker(this.url) };
      clearTimeout(slot.idleTimer);
      slot.worker.ref();
      const { value, reusable } = await this.runOn(slot, tool, args, ctx);
      if (reusable) this.park(slot);
      return value;
    } finally {
      this.busy--;
      this.waiting.shift()?.();
    }
  }

  private park(slot: Slot): void {
    slot.worker.unref();
    slot.idleTimer = setTimeout(() => {
      const at = this.idle.indexOf(slot);
      if (at >= 0) this.idle.splice(at, 1);
      void slot.worker.terminate();
    }, IDLE_MS);
    slot.idleTimer.unref();
    this.idle.push(slot);
  }

  /** One call on one thread; a thread that crashed or had to be stopped is not reused. */
  private runOn(
    slot: Slot,
    tool: AnyTool,
    args: unknown,
    ctx: ToolContext,
  ): Promise<{ value: unknown; reusable: boolean }> {
    const id = this.nextId++;
    const { worker } = slot;
    return new Promise((resolve, reject) => {
      let grace: NodeJS.Timeout | undefined;
      const finish = (outcome: () => void) => {
        clearTimeout(grace);
        ctx.signal.removeEventListener('abort', onAbort);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        outcome();
      };
      const onMessage = (msg: FromWorker) => {
        if (msg.id !== id) return;
        if (msg.type === 'progress') ctx.progress(msg.step);
        // A result that comes in after the client cancelled (the thread finished within the grace
        // period) is thrown away: the call was interrupted, whatever the thread made of it.
        else if (msg.type === 'result' && !ctx.signal.aborted)
          finish(() => resolve({ value: msg.value, reusable: true }));
        else
          // The thread is sound either way (a tool error, or a result nobody waits for): back to the pool.
          finish(() => {
            this.park(slot);
            reject(msg.type === 'result' ? interrupted(ctx.signal) : fromJson(msg.error));
          });
      };
      let crash: Error | undefined;
      const onError = (error: Error) => void (crash = error);
      const onExit = (code: number) =>
        finish(() =>
          reject(
            ctx.signal.aborted
              ? interrupted(ctx.signal)
              : new St3Error(
                  'E_INTERNAL',
                  `the worker thread of ${tool.name} stopped: ${crash?.message ?? `exit ${code}`}`,
                  {
                    hint: 'this is a bug in ST3 (or the input is too big for the memory); please report it with the tool call',
                  },
                ),
          ),
        );
      // The tool's own signal aborts first (it stops its processes); a thread still busy after the
      // grace period is in synchronous work and is stopped outright.
      const onAbort = () => {
        worker.postMessage({ type: 'cancel', id, reason: String(ctx.signal.reason ?? 'cancelled') } satisfies ToWorker);
        grace = setTimeout(() => void worker.terminate(), CANCEL_GRACE_MS);
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      ctx.signal.addEventListener('abort', onAbort, { once: true });
      worker.postMessage({ type: 'run', id, tool: tool.name, args, root: ctx.root } satisfies ToWorker);
    });
  }
}

function interrupted(signal: AbortSignal): St3Error {
  return new St3Error('E_INTERRUPTED', `cancelled: ${String(signal.reason ?? 'the client cancelled the call')}`);
}

/** An error a worker sent back, as the St3Error it was (code, hint, location, diagnostics). */
export function fromJson(json: St3ErrorJson): St3Error {
  return new St3Error(json.code, json.message, {
    ...(json.hint !== undefined ? { hint: json.hint } : {}),
    ...(json.file !== undefined ? { file: json.file } : {}),
    ...(json.line !== undefined ? { line: json.line } : {}),
    ...(json.column !== undefined ? { column: json.column } : {}),
    ...(json.diagnostics !== undefined ? { diagnostics: json.diagnostics } : {}),
    ...(json.details !== undefined ? { details: json.details } : {}),
  });
}

let shared: OffloadPool | null | undefined;

/** The process-wide pool (every connection shares it), or null when the worker script is not there. */
function pool(): OffloadPool | null {
  if (shared === undefined) {
    const url = workerUrl();
    shared = url ? new OffloadPool(url, Math.min(4, Math.max(2, availableParallelism() - 1))) : null;
  }
  return shared;
}

/** True when the tools marked `offload` can run on worker threads here. */
export function canOffload(): boolean {
  return pool() !== null;
}

/**
 * Runs a tool on a worker thread: the same handler, arguments and workspace, with its progress
 * relayed and cancellation passed on. The result is the handler's value (structured-cloned).
 */
export function runOffloaded(tool: AnyTool, args: unknown, ctx: ToolContext): Promise<unknown> {
  const p = pool();
  if (!p) throw new St3Error('E_INTERNAL', 'the MCP server was built without its worker script (offload-worker.js)');
  return p.run(tool, args, ctx);
}
