# src/dtos/user_profile.py
# template=dto version=2d1e478d created=2026-01-02T03:04:05Z updated=
"""A user as the API returns it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class UserProfile(BaseModel):
    """A user as the API returns it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(description="Stable identifier")
    email: str = Field(description="")
    age: int | None = Field(default=None, description="Age in years")
    score: float = Field(description="")
    active: bool = Field(description="")
    createdAt: datetime = Field(description="")
    tags: list[str] = Field(description="")
    metadata: dict[str, Any] | None = Field(default=None, description="")
