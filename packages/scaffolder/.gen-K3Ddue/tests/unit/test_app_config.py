# tests/unit/test_app_config.py
# template=unit_test version=310be6cf created=2026-01-02T03:04:05Z updated=
"""App Config."""

from __future__ import annotations

import pytest

from schemas.app_config import AppConfig


def test_app_config_imports() -> None:
    assert AppConfig is not None
