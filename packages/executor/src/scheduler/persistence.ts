import type { RunState } from '@st3/schemas';
import type { ExecuteOptions } from './types.js';

/** The longest a node transition waits for its progress write (a crash loses at most this much progress). */
const MAX_SAVE_GAP_MS = 1000;
/** The shortest pause between progress writes: at most 5 progress writes a second. */
const MIN_SAVE_GAP_MS = 200;
/** Pause after a progress write, as a multiple of its duration: writes take at most 1/(1+k) of the time. */
const SAVE_GAP_FACTOR = 4;

/**
 * Coalesced, paced persistence: one write in flight; changes made meanwhile are written after a pause
 * proportional to the last write's cost (capped at MAX_SAVE_GAP_MS). The run state grows with the run, so
 * writing it after every transition costs O(n²) over a run of n nodes; pacing keeps it a bounded share of
 * the time. Checkpoints that resume needs (`saveNow`, e.g. before a change is applied) are written at once.
 */
export function persistence(state: RunState, options: ExecuteOptions) {
  let writing: Promise<void> | undefined;
  let paused: ReturnType<typeof setTimeout> | undefined;
  let dirty = false;
  let error: unknown;
  const write = (): void => {
    if (!options.store) return;
    dirty = false;
    state.updatedAt = new Date().toISOString();
    const started = performance.now();
    writing = options.store
      .save(state)
      .catch((e: unknown) => void (error ??= e))
      .finally(() => {
        writing = undefined;
        if (!dirty) return;
        const cost = performance.now() - started;
        const gap = Math.min(MAX_SAVE_GAP_MS, Math.max(MIN_SAVE_GAP_MS, SAVE_GAP_FACTOR * cost));
        paused = setTimeout(() => {
          paused = undefined;
          write();
        }, gap);
      });
  };
  const persist = (): void => {
    if (!options.store) return;
    if (writing || paused) {
      dirty = true;
      return;
    }
    write();
  };
  /** Writes what is pending now (no pause) and waits for every write in flight. */
  const flush = async (): Promise<void> => {
    while (writing || paused) {
      if (paused) {
        clearTimeout(paused);
        paused = undefined;
        write();
      }
      await writing;
    }
  };
  /** A write that includes every change made so far, awaited. */
  const saveNow = async (): Promise<void> => {
    if (!options.store) return;
    await flush();
    write();
    await flush();
    if (error) throw error;
  };
  return { persist, flush, saveNow, error: () => error };
}

/** The run state's writer (see `persistence`). */
export type Persistence = ReturnType<typeof persistence>;
