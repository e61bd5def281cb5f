# tests/unit/test_create_order_service.py
# template=unit_test version=310be6cf created=2026-01-02T03:04:05Z updated=
"""Create Order Service."""

from __future__ import annotations

import pytest

from services.create_order_service import CreateOrderService


def test_create_order_service_imports() -> None:
    assert CreateOrderService is not None
