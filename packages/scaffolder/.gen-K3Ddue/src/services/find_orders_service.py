# src/services/find_orders_service.py
# template=service version=3a37fc24 created=2026-01-02T03:04:05Z updated=
"""Find Orders Service."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class FindOrdersServiceInput:
    customerId: str


class FindOrdersServiceDependencies(Protocol):
    """What the service needs from the outside, injected for testability."""


class FindOrdersService:
    def __init__(self, source: Callable[[FindOrdersServiceInput], Awaitable[Sequence[object]]], deps: FindOrdersServiceDependencies) -> None:
        self._source = source
        self._deps = deps

    async def query(self, criteria: FindOrdersServiceInput, limit: int = 100) -> list[object]:
        if limit < 0:
            raise ValueError(f"limit must be non-negative, got {limit}")
        items = await self._source(criteria)
        return list(items[:limit])
