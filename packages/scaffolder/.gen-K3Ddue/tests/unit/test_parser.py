# tests/unit/test_parser.py
# template=unit_test version=310be6cf created=2026-01-02T03:04:05Z updated=
"""Parser."""

from __future__ import annotations

import pytest


def test_parser_imports() -> None:
    assert pytest is not None


@pytest.mark.skip(reason="planned")
def test_case_1() -> None:
    """parses an empty file."""


@pytest.mark.skip(reason="planned")
def test_case_2() -> None:
    """reports a syntax error."""
