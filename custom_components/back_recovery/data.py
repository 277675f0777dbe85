"""Runtime data of a config entry."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from homeassistant.config_entries import ConfigEntry

from .engine import RecoveryEngine

type BackRecoveryConfigEntry = ConfigEntry[BackRecoveryData]


@dataclass
class BackRecoveryData:
    """What a loaded entry holds."""

    engine: RecoveryEngine
    # The title and data the entry was set up with: a change to either needs a
    # reload, a change to the options does not.
    title: str
    data: Mapping[str, Any]
