// src/workers/email-sender-worker.ts
// template=worker version=26708889 created=2026-01-02T03:04:05Z updated=
/**
 * Sends one email per job
 *
 * @module
 */
export interface EmailSenderWorkerInput {
  readonly to: string;
  readonly subject: string;
}

export interface EmailSenderWorkerOutput {
  readonly messageId: string;
}

/** The operation itself: must honour `signal` (it aborts on timeout and on cancel). */
export type EmailSenderWorkerHandler = (input: EmailSenderWorkerInput, signal: AbortSignal) => Promise<EmailSenderWorkerOutput>;

export interface EmailSenderWorkerOptions {
  /** Attempts after the first one (default 2). */
  retries?: number;
  /** Timeout of one attempt in milliseconds (default 30000). */
  timeoutMs?: number;
  /** Delay before retry n is backoffMs * 2^(n-1) (default 100). */
  backoffMs?: number;
}

export class EmailSenderWorker {
  private readonly retries: number;
  private readonly timeoutMs: number;
  private readonly backoffMs: number;

  constructor(
    private readonly handler: EmailSenderWorkerHandler,
    options: EmailSenderWorkerOptions = {},
  ) {
    this.retries = options.retries ?? 2;
    this.timeoutMs = options.timeoutMs ?? 30000;
    this.backoffMs = options.backoffMs ?? 100;
  }

  /** Runs the job, retrying failed attempts; rejects with the last error, or at once when `signal` aborts. */
  async run(input: EmailSenderWorkerInput, signal?: AbortSignal): Promise<EmailSenderWorkerOutput> {
    let lastError: unknown;
    for (let attempt = 0; attempt <= this.retries; attempt++) {
      signal?.throwIfAborted();
      if (attempt > 0) await delay(this.backoffMs * 2 ** (attempt - 1), signal);
      const attemptSignal = signal ? AbortSignal.any([signal, AbortSignal.timeout(this.timeoutMs)]) : AbortSignal.timeout(this.timeoutMs);
      try {
        return await this.handler(input, attemptSignal);
      } catch (error) {
        if (signal?.aborted) throw error;
        lastError = error;
      }
    }
    throw lastError;
  }
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });
}
