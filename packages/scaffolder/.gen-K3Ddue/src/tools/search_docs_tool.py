# src/tools/search_docs_tool.py
# template=tool version=8c2ecf8d created=2026-01-02T03:04:05Z updated=
"""Searches the documentation index."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any as _Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError


class SearchDocsToolInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    query: str = Field(description="")
    limit: int | None = Field(default=None, description="")


class SearchDocsTool:
    """Searches the documentation index"""

    name = "search_docs_tool"
    description = "Searches the documentation index"

    def __init__(self, execute: Callable[[SearchDocsToolInput], Awaitable[_Any]]) -> None:
        self._execute = execute

    @property
    def input_schema(self) -> dict[str, _Any]:
        return SearchDocsToolInput.model_json_schema()

    async def handle(self, arguments: dict[str, _Any] | None) -> dict[str, _Any]:
        try:
            params = SearchDocsToolInput.model_validate(arguments or {})
        except ValidationError as error:
            return {"content": [{"type": "text", "text": f"invalid arguments: {error}"}], "isError": True}
        try:
            result = await self._execute(params)
        except Exception as error:  # noqa: BLE001 - reported to the client, not raised
            return {"content": [{"type": "text", "text": str(error)}], "isError": True}
        text = result if isinstance(result, str) else json.dumps(result)
        return {"content": [{"type": "text", "text": text}]}
