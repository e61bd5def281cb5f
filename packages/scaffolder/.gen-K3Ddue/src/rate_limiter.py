# src/rate_limiter.py
# template=generic version=432d4134 created=2026-01-02T03:04:05Z updated=
"""Token bucket."""

from __future__ import annotations


class RateLimiter:
    """Token bucket."""

    def acquire(self) -> None:
        """Takes one token."""
        raise NotImplementedError("RateLimiter.acquire")

    def release(self) -> None:
        """release."""
        raise NotImplementedError("RateLimiter.release")
