"""The integration's shipped files, read as Home Assistant and HACS read them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from custom_components.back_recovery.const import DOMAIN
from homeassistant.util.yaml import load_yaml_dict

ROOT = Path(__file__).resolve().parents[2]
"""The repository's folder."""
INTEGRATION = ROOT / "custom_components" / DOMAIN
"""The integration's folder: manifest, translations, icons, services.yaml."""


def integration_json(name: str) -> dict[str, Any]:
    """Return one of the integration's JSON files (``icons.json``, ``translations/en.json``)."""
    data: dict[str, Any] = json.loads((INTEGRATION / name).read_text(encoding="utf-8"))
    return data


def services_yaml() -> dict[str, Any]:
    """Return the integration's ``services.yaml``."""
    return dict(load_yaml_dict(INTEGRATION / "services.yaml"))


def translations(language: str = "en") -> dict[str, Any]:
    """Return the integration's translations in ``language``, as shipped."""
    return integration_json(f"translations/{language}.json")
