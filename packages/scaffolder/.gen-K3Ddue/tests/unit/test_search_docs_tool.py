# tests/unit/test_search_docs_tool.py
# template=unit_test version=310be6cf created=2026-01-02T03:04:05Z updated=
"""Search Docs Tool."""

from __future__ import annotations

import pytest

from tools.search_docs_tool import SearchDocsTool


def test_search_docs_tool_imports() -> None:
    assert SearchDocsTool is not None
