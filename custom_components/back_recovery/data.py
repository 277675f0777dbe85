"""Runtime data of a config entry."""

from __future__ import annotations

from dataclasses import dataclass

from homeassistant.config_entries import ConfigEntry

from .engine import RecoveryEngine

type BackRecoveryConfigEntry = ConfigEntry[BackRecoveryData]


@dataclass
class BackRecoveryData:
    """What a loaded entry holds."""

    engine: RecoveryEngine
