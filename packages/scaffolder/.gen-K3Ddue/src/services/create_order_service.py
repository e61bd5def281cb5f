# src/services/create_order_service.py
# template=service version=4d13f681 created=2026-01-02T03:04:05Z updated=
"""Places an order."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class CreateOrderServiceInput:
    orderId: str


class CreateOrderServiceDependencies(Protocol):
    """What the service needs from the outside, injected for testability."""

    @property
    def orders(self) -> object: ...


@dataclass(frozen=True)
class CreateOrderServiceResult:
    ok: bool
    problems: tuple[str, ...] = ()


class CreateOrderService:
    def __init__(self, deps: CreateOrderServiceDependencies) -> None:
        self._deps = deps

    async def execute(self, command: CreateOrderServiceInput) -> CreateOrderServiceResult:
        problems = self.validate(command)
        if problems:
            return CreateOrderServiceResult(ok=False, problems=tuple(problems))
        await self.perform(command)
        return CreateOrderServiceResult(ok=True)

    def validate(self, command: CreateOrderServiceInput) -> list[str]:
        return [] if isinstance(command, CreateOrderServiceInput) else ["the command has the wrong type"]

    async def perform(self, command: CreateOrderServiceInput) -> None:
        """The effect of the command, through the injected dependencies."""
