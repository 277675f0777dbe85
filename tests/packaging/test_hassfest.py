"""hassfest's checks on the integration's files, with what Home Assistant itself ships.

hassfest (``script/hassfest`` in the core repository, what the hassfest GitHub
action runs) is not on PyPI, so nothing of it is copied here. These tests check
the same files by the same rules, using the schemas and types the installed
``homeassistant`` package ships: ``loader.Manifest`` for the manifest keys, the
services.yaml schema and selectors of ``helpers.service``, ``config_validation``
for texts, slugs and icons, and the integration's own ``CONFIG_SCHEMA``.
The README says how to run the real hassfest action.
"""

from __future__ import annotations

from collections.abc import Iterator
import importlib
import json
from pathlib import Path
import typing
from typing import Any

from awesomeversion import AwesomeVersion, AwesomeVersionStrategy
import pytest
import voluptuous as vol

from custom_components.back_recovery.const import DOMAIN, PLATFORMS
import homeassistant
from homeassistant.helpers import config_validation as cv, service
from homeassistant.loader import Manifest

from ..helpers.files import INTEGRATION, services_yaml

CORE_COMPONENTS = Path(homeassistant.__file__).parent / "components"
# Keys Home Assistant's loader adds itself; a manifest.json never has them.
RUNTIME_MANIFEST_KEYS = {"is_built_in", "overwrites_built_in"}
IOT_CLASSES = {
    "assumed_state",
    "calculated",
    "cloud_polling",
    "cloud_push",
    "local_polling",
    "local_push",
}
QUALITY_SCALES = {"internal", "bronze", "silver", "gold", "platinum"}
RULE_STATUSES = {"done", "todo", "exempt"}


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _ in pairs]
    duplicates = sorted({key for key in keys if keys.count(key) > 1})
    assert duplicates == [], f"duplicate keys {duplicates}"
    return dict(pairs)


def _json(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        path.read_text(encoding="utf-8"), object_pairs_hook=_no_duplicate_keys
    )
    return data


def _strings(tree: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(tree, dict):
        for key, value in tree.items():
            yield from _strings(value, f"{path}.{key}" if path else key)
    else:
        yield path, tree


MANIFEST = _json(INTEGRATION / "manifest.json")
EN = _json(INTEGRATION / "translations" / "en.json")
ICONS = _json(INTEGRATION / "icons.json")
SERVICES = services_yaml()


# manifest.json


def test_manifest_has_only_keys_home_assistant_knows() -> None:
    """Every key is one of Home Assistant's Manifest type (no ``homeassistant``: that is hacs.json's)."""
    known = set(typing.get_type_hints(Manifest)) - RUNTIME_MANIFEST_KEYS
    assert sorted(set(MANIFEST) - known) == []


def test_manifest_values() -> None:
    """The values hassfest requires of a custom integration's manifest."""
    hints = typing.get_type_hints(Manifest)
    assert MANIFEST["domain"] == INTEGRATION.name
    assert not (CORE_COMPONENTS / MANIFEST["domain"]).exists()
    for key in ("name", "documentation", "codeowners", "version"):
        assert MANIFEST.get(key), key
    assert cv.url(MANIFEST["documentation"]).startswith("https://")
    assert cv.url(MANIFEST["issue_tracker"]).startswith("https://")
    assert MANIFEST["integration_type"] in typing.get_args(hints["integration_type"])
    assert MANIFEST["iot_class"] in IOT_CLASSES
    assert MANIFEST["quality_scale"] in QUALITY_SCALES
    assert all(isinstance(item, str) for item in MANIFEST["codeowners"])
    assert MANIFEST["requirements"] == []
    AwesomeVersion(
        MANIFEST["version"],
        ensure_strategy=[
            AwesomeVersionStrategy.CALVER,
            AwesomeVersionStrategy.SEMVER,
            AwesomeVersionStrategy.SIMPLEVER,
            AwesomeVersionStrategy.BUILDVER,
            AwesomeVersionStrategy.PEP440,
        ],
    )
    for key in ("dependencies", "after_dependencies"):
        for domain in MANIFEST.get(key, []):
            assert (CORE_COMPONENTS / domain / "manifest.json").is_file(), domain


def test_manifest_keys_are_sorted() -> None:
    """Keys are ordered as hassfest sorts them: domain, name, then alphabetical."""
    keys = list(MANIFEST)
    assert keys[:2] == ["domain", "name"]
    assert keys[2:] == sorted(keys[2:])


def test_hacs_names_the_minimum_version() -> None:
    """The minimum Home Assistant version lives in hacs.json, not in the manifest."""
    hacs = _json(INTEGRATION.parent.parent / "hacs.json")
    assert AwesomeVersion(hacs["homeassistant"]) >= AwesomeVersion("2026.10.4")


# Config schema


def test_config_schema_takes_no_parameters(caplog: pytest.LogCaptureFixture) -> None:
    """With async_setup and a config flow, CONFIG_SCHEMA takes an empty key only.

    ``back_recovery:`` loads the integration (voice questions answer before a
    recovery is added); any parameter is logged as an error, never used.
    """
    module = importlib.import_module(f"custom_components.{DOMAIN}")
    assert hasattr(module, "async_setup")
    assert MANIFEST["config_flow"] is True
    schema = module.CONFIG_SCHEMA
    assert schema.__name__ == cv.empty_config_schema(DOMAIN).__name__
    assert schema({}) == {}
    assert schema({DOMAIN: None}) == {DOMAIN: None}
    assert "does not support any configuration parameters" not in caplog.text
    schema({DOMAIN: {"name": "Alex"}})
    assert "does not support any configuration parameters" in caplog.text


# Translations (translations/en.json stands in for strings.json)


@pytest.mark.parametrize("language", ["en", "de"])
def test_translation_texts_have_no_html(language: str) -> None:
    """Every text is a non-empty string without HTML and no key reference."""
    texts = _json(INTEGRATION / "translations" / f"{language}.json")
    for path, text in _strings(texts):
        assert isinstance(text, str), path
        cv.string_with_no_html(text)
        assert text.strip(), path
        assert "[%key:" not in text, f"{path}: references resolve in core only"


@pytest.mark.parametrize(
    ("section", "flow"),
    [
        ("config", EN["config"]),
        ("options", EN["options"]),
        *(
            (f"issues.{issue}.fix_flow", body["fix_flow"])
            for issue, body in EN["issues"].items()
            if "fix_flow" in body
        ),
    ],
)
def test_flow_steps(section: str, flow: dict[str, Any]) -> None:
    """Steps have texts for their fields only; data_description keys name fields."""
    for step_id, step in flow["step"].items():
        data = step.get("data", {})
        descriptions = step.get("data_description", {})
        assert sorted(set(descriptions) - set(data)) == [], f"{section}.{step_id}"
        for key in ("error", "abort"):
            assert all(isinstance(text, str) for text in flow.get(key, {}).values())


@pytest.mark.parametrize(
    ("section", "step"),
    [
        ("config", "user"),
        ("config", "reconfigure"),
        ("options", "init"),
    ],
)
def test_every_config_field_has_a_data_description(section: str, step: str) -> None:
    """Quality scale rule config-flow: every field of the config and options flows is explained."""
    texts = EN[section]["step"][step]
    assert sorted(set(texts["data"]) - set(texts["data_description"])) == []


def test_entity_translations_match_the_platforms() -> None:
    """Entity texts exist only for the integration's platforms, each with a name."""
    platforms = {str(platform) for platform in PLATFORMS}
    assert sorted(set(EN["entity"]) - platforms) == []
    for platform, entities in EN["entity"].items():
        for key, body in entities.items():
            assert cv.slug(key) == key
            assert body.get("name"), f"{platform}.{key}"
            for state in body.get("state", {}):
                assert state == state.lower(), f"{platform}.{key}.{state}"


def test_exceptions_and_issues_are_complete() -> None:
    """Each exception has a message; each issue a title and a description or fix flow."""
    for key, body in EN["exceptions"].items():
        assert set(body) == {"message"}, key
    for key, body in EN["issues"].items():
        assert body.get("title"), key
        assert body.get("description") or body.get("fix_flow"), key


# icons.json


def _icon(value: Any) -> str:
    text = cv.string_with_no_html(value)
    if not text.startswith("mdi:"):
        raise vol.Invalid(f"{text} is no Material Design icon (mdi:...)")
    return str(text)


ENTITY_ICON = vol.Schema(
    {
        vol.Optional("default"): _icon,
        vol.Optional("state"): {cv.string: _icon},
        vol.Optional("state_attributes"): {
            cv.slug: {
                vol.Optional("default"): _icon,
                vol.Optional("state"): {cv.string: _icon},
            }
        },
    }
)
ICONS_SCHEMA = vol.Schema(
    {
        vol.Optional("entity"): {cv.slug: {cv.slug: ENTITY_ICON}},
        vol.Optional("services"): {
            cv.slug: {
                vol.Required("service"): _icon,
                vol.Optional("sections"): {cv.slug: _icon},
            }
        },
    }
)


def test_icons_schema() -> None:
    """icons.json has the shape Home Assistant reads, with mdi icons only."""
    ICONS_SCHEMA(ICONS)


def test_icons_do_not_repeat_the_default() -> None:
    """No state icon repeats the default of its entity (hassfest refuses that)."""
    for platform, entities in ICONS["entity"].items():
        for key, body in entities.items():
            default = body.get("default")
            repeated = [
                s for s, icon in body.get("state", {}).items() if icon == default
            ]
            assert repeated == [], f"{platform}.{key}"


def test_icons_name_known_entities_and_actions() -> None:
    """Every icon belongs to a translated entity or an action in services.yaml."""
    for platform, entities in ICONS["entity"].items():
        assert sorted(set(entities) - set(EN["entity"].get(platform, {}))) == []
    assert sorted(ICONS["services"]) == sorted(SERVICES)


# services.yaml


def test_services_yaml_matches_home_assistants_schema() -> None:
    """services.yaml passes the schema Home Assistant loads it with (selectors included)."""
    service._SERVICES_SCHEMA(SERVICES)


def test_services_are_described_by_translations() -> None:
    """Names and descriptions come from translations, not from services.yaml."""
    for action, body in SERVICES.items():
        assert "name" not in (body or {}), action
        assert "description" not in (body or {}), action
        for field, spec in (body or {}).get("fields", {}).items():
            assert "name" not in spec, f"{action}.{field}"
            assert "description" not in spec, f"{action}.{field}"
        assert EN["services"][action]["name"]
