# tests/unit/test_user_profile.py
# template=unit_test version=357ec1ef created=2026-01-02T03:04:05Z updated=
"""User Profile."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from pydantic import ValidationError

from dtos.user_profile import UserProfile


def test_accepts_a_valid_value() -> None:
    value = UserProfile(id="example", email="example", score=1.5, active=True, createdAt=datetime(2024, 1, 1), tags=["example"])
    assert isinstance(value, UserProfile)


def test_refuses_unknown_fields() -> None:
    with pytest.raises(ValidationError):
        UserProfile.model_validate({"unexpected": True})
