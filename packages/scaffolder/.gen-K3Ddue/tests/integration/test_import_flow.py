# tests/integration/test_import_flow.py
# template=integration_test version=9d33cf92 created=2026-01-02T03:04:05Z updated=
"""Import Flow."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "import_flow"
    root.mkdir()
    return root


@pytest.mark.integration
def test_import_flow_starts_from_an_empty_workspace(workspace: Path) -> None:
    assert list(workspace.iterdir()) == []


@pytest.mark.skip(reason="planned")
@pytest.mark.integration
def test_case_1(workspace: Path) -> None:
    """imports a CSV file."""
