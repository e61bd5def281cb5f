/**
 * Time as the executor sees it. Backoff waits and per-node timeouts go through a Clock so tests
 * and benchmarks can run hours of virtual time instantly.
 */
export interface Clock {
  /** Milliseconds (epoch for the system clock, virtual for a virtual one). */
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason when it is aborted first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('aborted', 'AbortError');
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep(ms, signal) {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(abortReason(signal));
      const onAbort = () => {
        clearTimeout(timer);
        reject(abortReason(signal!));
      };
      const timer = setTimeout(
        () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        Math.max(0, ms),
      );
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  },
};

interface Timer {
  due: number;
  seq: number;
  resolve: () => void;
}

export interface VirtualClock extends Clock {
  /** Moves time forward by `ms`, firing every timer due on the way (in due order). */
  advance(ms: number): Promise<void>;
  /** Number of timers waiting. */
  pending(): number;
  /** Every sleep requested so far, in request order (what backoff tests assert on). */
  readonly sleeps: number[];
}

/**
 * A clock whose time only moves when told to (`advance`) or, with `auto: true`, by itself: whenever
 * the process has nothing else to do (a macrotask turn passes with timers waiting), it jumps to the
 * earliest timer. Work that only waits on this clock then runs in virtual time, in order, instantly.
 */
export function createVirtualClock(options: { start?: number; auto?: boolean } = {}): VirtualClock {
  let now = options.start ?? 0;
  let seq = 0;
  const timers: Timer[] = [];
  const sleeps: number[] = [];
  let tickScheduled = false;

  const fireDue = (until: number) => {
    timers.sort((a, b) => a.due - b.due || a.seq - b.seq);
    while (timers.length > 0 && timers[0]!.due <= until) {
      const t = timers.shift()!;
      now = Math.max(now, t.due);
      t.resolve();
    }
  };

  const scheduleTick = () => {
    if (!options.auto || tickScheduled) return;
    tickScheduled = true;
    // setImmediate runs after every pending promise continuation: all work that can react to
    // the last fired timer has registered its own timers by then.
    setImmediate(() => {
      tickScheduled = false;
      if (timers.length === 0) return;
      timers.sort((a, b) => a.due - b.due || a.seq - b.seq);
      fireDue(timers[0]!.due);
      if (timers.length > 0) scheduleTick();
    });
  };

  return {
    now: () => now,
    sleeps,
    pending: () => timers.length,
    sleep(ms, signal) {
      sleeps.push(ms);
      return new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(abortReason(signal));
        const timer: Timer = {
          due: now + Math.max(0, ms),
          seq: seq++,
          resolve: () => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
        };
        const onAbort = () => {
          const i = timers.indexOf(timer);
          if (i !== -1) timers.splice(i, 1);
          reject(abortReason(signal!));
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        timers.push(timer);
        scheduleTick();
      });
    },
    async advance(ms) {
      const target = now + ms;
      // Fire one due timer at a time and let its continuations run, so timers they register
      // inside the window fire too.
      for (;;) {
        await new Promise((r) => setImmediate(r));
        timers.sort((a, b) => a.due - b.due || a.seq - b.seq);
        const next = timers[0];
        if (!next || next.due > target) break;
        fireDue(next.due);
      }
      now = Math.max(now, target);
      await new Promise((r) => setImmediate(r));
    },
  };
}
