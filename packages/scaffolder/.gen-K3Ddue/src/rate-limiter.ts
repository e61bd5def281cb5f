// src/rate-limiter.ts
// template=generic version=e1de2a04 created=2026-01-02T03:04:05Z updated=
/**
 * Token bucket
 *
 * @module
 */
export class RateLimiter {
  /** Takes one token */
  acquire(): never {
    throw new Error('RateLimiter.acquire is not implemented');
  }

  /** release */
  release(): never {
    throw new Error('RateLimiter.release is not implemented');
  }
}
