# src/workers/email_sender_worker.py
# template=worker version=19997d3c created=2026-01-02T03:04:05Z updated=
"""Sends one email per job."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class EmailSenderWorkerInput:
    to: str
    subject: str


@dataclass(frozen=True)
class EmailSenderWorkerOutput:
    messageId: str


Handler = Callable[[EmailSenderWorkerInput], Awaitable[EmailSenderWorkerOutput]]


class EmailSenderWorker:
    """Runs the handler with a timeout per attempt, retrying failures."""

    def __init__(self, handler: Handler, *, retries: int = 2, timeout_s: float = 30, backoff_s: float = 0.1) -> None:
        self._handler = handler
        self._retries = retries
        self._timeout_s = timeout_s
        self._backoff_s = backoff_s

    async def run(self, job: EmailSenderWorkerInput) -> EmailSenderWorkerOutput:
        last_error: BaseException | None = None
        for attempt in range(self._retries + 1):
            if attempt > 0:
                await asyncio.sleep(self._backoff_s * 2 ** (attempt - 1))
            try:
                return await asyncio.wait_for(self._handler(job), timeout=self._timeout_s)
            except asyncio.CancelledError:
                raise
            except Exception as error:  # noqa: BLE001 - every failure is retried
                last_error = error
        assert last_error is not None
        raise last_error
