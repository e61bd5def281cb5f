// test/unit/email-sender-worker.test.ts
// template=unit_test version=0189799c created=2026-01-02T03:04:05Z updated=
import { describe, expect, it } from 'vitest';
import { EmailSenderWorker, type EmailSenderWorkerInput, type EmailSenderWorkerOutput } from '../../src/workers/email-sender-worker.js';

describe('EmailSenderWorker', () => {
  const input = { to: 'example', subject: 'example' } as EmailSenderWorkerInput;
  const output = { messageId: 'example' } as EmailSenderWorkerOutput;

  it('returns the handler result', async () => {
    const worker = new EmailSenderWorker(async () => output);
    await expect(worker.run(input)).resolves.toEqual(output);
  });

  it('retries a failed attempt', async () => {
    let calls = 0;
    const worker = new EmailSenderWorker(async () => {
      calls++;
      if (calls === 1) throw new Error('transient');
      return output;
    }, { retries: 1, backoffMs: 0 });
    await expect(worker.run(input)).resolves.toEqual(output);
    expect(calls).toBe(2);
  });

  it('gives up after the last retry', async () => {
    const worker = new EmailSenderWorker(async () => {
      throw new Error('permanent');
    }, { retries: 2, backoffMs: 0 });
    await expect(worker.run(input)).rejects.toThrow('permanent');
  });
});
