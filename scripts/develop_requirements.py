"""Print the packages Home Assistant would install on the first start of scripts/develop.

Run with the Python of the virtual environment that runs Home Assistant
(scripts/setup does). It walks the integrations that configuration (default
folder: config/) and Back Recovery set up, the way Home Assistant's own
bootstrap and requirements manager do: the integrations in the YAML, the
default integrations, those onboarding sets up, those the real-process tests
add, and every dependency and after-dependency, reading the
manifests of the installed homeassistant package. It prints, one a line, each
requirement that is not installed yet, so that scripts/setup can install them
before the first start instead of Home Assistant doing it at run time.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
import sys
from typing import Any

import homeassistant
from homeassistant import bootstrap, requirements
from homeassistant.util.package import is_installed
from homeassistant.util.yaml import loader

ROOT = Path(__file__).resolve().parents[1]
COMPONENTS = Path(homeassistant.__file__).parent / "components"
CUSTOM = ROOT / "custom_components"
# Back Recovery's entity platforms and the plug's template switch.
PLATFORMS = ("binary_sensor", "button", "calendar", "sensor", "switch")
# What onboarding's core config step sets up (onboarding/views.py).
ONBOARDING = ("google_translate", "met", "radio_browser", "shopping_list")
# Config entries scripts/develop writes into a new folder before its first start
# (scripts/develop_notify.py: the file notify entity the blueprints can pick).
DEVELOP_ENTRIES = ("file",)
# Integrations the real-process tests add through their config flows
# (tests/e2e/test_mqtt.py: MQTT with a local Mosquitto and a simulated plug).
E2E_ENTRIES = ("mqtt",)


def manifest(domain: str) -> dict[str, Any] | None:
    """Return an integration's manifest, core or custom; None if there is none."""
    for folder in (CUSTOM, COMPONENTS):
        path = folder / domain / "manifest.json"
        if path.is_file():
            data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
            return data
    return None


def configured_domains(config_dir: Path) -> set[str]:
    """Return the integrations named in configuration.yaml (``domain name`` too)."""
    config = loader.load_yaml_dict(config_dir / "configuration.yaml")
    return {str(key).split(" ")[0] for key in config}


def roots(config_dir: Path) -> set[str]:
    """Return what the first start sets up before any dependency."""
    return {
        *bootstrap.CORE_INTEGRATIONS,
        *bootstrap.DEFAULT_INTEGRATIONS,
        *configured_domains(config_dir),
        *(path.name for path in CUSTOM.iterdir() if (path / "manifest.json").is_file()),
        *PLATFORMS,
        *ONBOARDING,
        *DEVELOP_ENTRIES,
        *E2E_ENTRIES,
    }


def needed_requirements(config_dir: Path) -> list[str]:
    """Return every requirement of the integrations the first start loads."""
    discovery: dict[str, Any] = getattr(requirements, "DISCOVERY_INTEGRATIONS", {})
    todo = sorted(roots(config_dir))
    seen: set[str] = set()
    found: dict[str, None] = {}
    while todo:
        domain = todo.pop()
        if domain in seen:
            continue
        seen.add(domain)
        if (data := manifest(domain)) is None:
            continue
        found.update(dict.fromkeys(data.get("requirements", [])))
        todo.extend(data.get("dependencies", []))
        todo.extend(data.get("after_dependencies", []))
        todo.extend(
            check_domain
            for check_domain, keys in discovery.items()
            if any(key in data for key in keys)
        )
    return list(found)


def main() -> int:
    """Print the missing requirements, one a line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=ROOT / "config")
    parser.add_argument(
        "--all", action="store_true", help="print installed requirements too"
    )
    args = parser.parse_args()
    for requirement in needed_requirements(args.config):
        if args.all or not is_installed(requirement):
            print(requirement)
    return 0


if __name__ == "__main__":
    sys.exit(main())
