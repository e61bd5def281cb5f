# tests/unit/test_find_orders_service.py
# template=unit_test version=310be6cf created=2026-01-02T03:04:05Z updated=
"""Find Orders Service."""

from __future__ import annotations

import pytest

from services.find_orders_service import FindOrdersService


def test_find_orders_service_imports() -> None:
    assert FindOrdersService is not None
