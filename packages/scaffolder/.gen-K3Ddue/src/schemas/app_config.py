# src/schemas/app_config.py
# template=schema version=d8e81dfc created=2026-01-02T03:04:05Z updated=
"""Settings of the app."""

from __future__ import annotations

from typing import Any as _Any

from pydantic import BaseModel, ConfigDict, Field


class AppConfig(BaseModel):
    """Settings of the app."""

    model_config = ConfigDict(extra="forbid")

    port: int = Field(default=8080, description="")
    host: str = Field(default="localhost", description="")
    apiKey: str = Field(description="")
    features: list[str] = Field(default=[], description="")
    debug: bool | None = Field(default=None, description="")


def load_app_config(data: dict[str, _Any] | None) -> AppConfig:
    """Validates a parsed configuration file and applies the defaults (raises pydantic.ValidationError)."""
    return AppConfig.model_validate(data or {})
