# tests/unit/test_checkout_service.py
# template=unit_test version=310be6cf created=2026-01-02T03:04:05Z updated=
"""Checkout Service."""

from __future__ import annotations

import pytest

from services.checkout_service import CheckoutService


def test_checkout_service_imports() -> None:
    assert CheckoutService is not None
