# tests/unit/test_email_sender_worker.py
# template=unit_test version=310be6cf created=2026-01-02T03:04:05Z updated=
"""Email Sender Worker."""

from __future__ import annotations

import pytest

from workers.email_sender_worker import EmailSenderWorker


def test_email_sender_worker_imports() -> None:
    assert EmailSenderWorker is not None
