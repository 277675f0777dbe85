"""The recorder for the tests that read what it keeps (the logbook, the benchmark).

The harness sets the recorder up only when ``mock_recorder_before_hass`` is
overridden with one that prepares it before ``hass`` exists: a test module
that needs it imports this fixture, and asks for ``recorder_mock``.
"""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def mock_recorder_before_hass(async_test_recorder: Any) -> None:
    """Prepare the recorder before ``hass`` exists (the harness asks for this order)."""
