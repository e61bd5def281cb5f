# src/services/checkout_service.py
# template=service version=7a391742 created=2026-01-02T03:04:05Z updated=
"""Checkout Service."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class CheckoutServiceInput:
    pass


class CheckoutServiceDependencies(Protocol):
    """What the service needs from the outside, injected for testability."""

    @property
    def payments(self) -> object: ...

STEPS: tuple[str, ...] = ("reserve", "charge", "ship", )


@dataclass(frozen=True)
class Step:
    name: str
    run: Callable[[CheckoutServiceInput], Awaitable[None]]
    compensate: Callable[[CheckoutServiceInput], Awaitable[None]] | None = None


@dataclass(frozen=True)
class Outcome:
    ok: bool
    completed: tuple[str, ...] = ()
    failed_step: str | None = None
    compensated: tuple[str, ...] = ()


class CheckoutService:
    def __init__(self, steps: list[Step], deps: CheckoutServiceDependencies) -> None:
        self._steps = steps
        self._deps = deps

    async def run(self, request: CheckoutServiceInput) -> Outcome:
        done: list[Step] = []
        for step in self._steps:
            try:
                await step.run(request)
            except Exception:  # noqa: BLE001 - the outcome reports the failed step
                compensated = []
                for previous in reversed(done):
                    if previous.compensate is not None:
                        await previous.compensate(request)
                        compensated.append(previous.name)
                return Outcome(ok=False, failed_step=step.name, compensated=tuple(compensated))
            done.append(step)
        return Outcome(ok=True, completed=tuple(s.name for s in done))
