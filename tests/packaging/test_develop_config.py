"""The development instance's first ten minutes: automations run, and a notify target exists."""

from __future__ import annotations

from datetime import timedelta
import json
from pathlib import Path
import re
import shutil

from freezegun.api import FrozenDateTimeFactory
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)

from custom_components.back_recovery.plug_entity import switch_cause
from custom_components.back_recovery.therapy import SwitchCause
from homeassistant import config as ha_config
from homeassistant.core import Context, HomeAssistant
from homeassistant.setup import async_setup_component
from scripts.develop_notify import NOTIFY_NAME, media_folder, seed

from ..helpers.files import ROOT

DEVELOP = ROOT / "scripts" / "develop"
INCLUDED = ("automations.yaml", "scripts.yaml", "scenes.yaml")


def develop_folder(tmp_path: Path) -> Path:
    """Return a configuration folder as scripts/develop prepares it (the files it creates)."""
    shutil.copy(ROOT / "config" / "configuration.yaml", tmp_path)
    script = DEVELOP.read_text(encoding="utf-8")
    for name in INCLUDED:
        # scripts/develop creates each file empty when it is missing.
        assert re.search(rf'-f "\$CONFIG/{re.escape(name)}" \]\] \|\|', script), name
    (tmp_path / "automations.yaml").write_text("[]\n", encoding="utf-8")
    (tmp_path / "scripts.yaml").write_text("", encoding="utf-8")
    (tmp_path / "scenes.yaml").write_text("", encoding="utf-8")
    return tmp_path


async def test_develop_config_runs_saved_automations(
    hass: HomeAssistant, tmp_path: Path
) -> None:
    """An automation the editor saves (automations.yaml) runs; scripts and scenes load too.

    Issue 22: without the includes an automation saved in the development
    instance never ran.
    """
    folder = develop_folder(tmp_path)
    (folder / "automations.yaml").write_text(
        "- id: '1'\n"
        "  alias: Saved in the editor\n"
        "  triggers:\n"
        "    - trigger: event\n"
        "      event_type: back_recovery_test\n"
        "  actions:\n"
        "    - event: back_recovery_test_ran\n",
        encoding="utf-8",
    )
    config = await hass.async_add_executor_job(
        ha_config.load_yaml_config_file, str(folder / "configuration.yaml")
    )
    assert config["script"] in (None, {})
    assert config["scene"] in (None, [], {})
    ran = async_capture_events(hass, "back_recovery_test_ran")
    for domain in ("automation", "script", "scene"):
        assert await async_setup_component(hass, domain, {domain: config[domain]})
    await hass.async_block_till_done()
    hass.bus.async_fire("back_recovery_test")
    await hass.async_block_till_done()
    assert len(ran) == 1


async def test_develop_config_offers_a_notify_target(
    hass: HomeAssistant, tmp_path: Path
) -> None:
    """A new development folder has a notify entity (the file integration's), which the blueprints' Notify field lists.

    scripts/develop writes its config entry before the first start; every key
    Home Assistant's loader reads is there, and the entity writes each message.
    """
    assert "develop_notify.py" in DEVELOP.read_text(encoding="utf-8")
    media = tmp_path / "media"
    assert seed(tmp_path, media)
    assert not seed(tmp_path, media), "a second start must not add a second entry"
    stored = json.loads(
        (tmp_path / ".storage" / "core.config_entries").read_text(encoding="utf-8")
    )
    (entry,) = stored["data"]["entries"]
    mock = MockConfigEntry(
        domain=entry["domain"],
        data=entry["data"],
        options=entry["options"],
        version=entry["version"],
        minor_version=entry["minor_version"],
        title=entry["title"],
        entry_id=entry["entry_id"],
    )
    assert set(mock.as_dict()) <= set(entry) | {"error_reason_translation_key"}
    # Home Assistant's default: its media folder is an allowed path.
    hass.config.allowlist_external_dirs = {str(media)}
    mock.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock.entry_id)
    await hass.async_block_till_done()
    entity_id = "notify." + NOTIFY_NAME.lower().replace(" ", "_")
    assert hass.states.get(entity_id) is not None
    await hass.services.async_call(
        "notify",
        "send_message",
        {"entity_id": entity_id, "message": "Skin rest over"},
        blocking=True,
    )
    written = (tmp_path / "media" / "notifications.txt").read_text(encoding="utf-8")
    assert "Skin rest over" in written


def test_develop_notify_writes_to_home_assistants_default_media_folder(
    tmp_path: Path,
) -> None:
    """The file goes where Home Assistant allows it by default, not into www/ (which its web server publishes)."""
    media = media_folder(tmp_path)
    assert media in (tmp_path / "media", Path("/media"))
    assert seed(tmp_path, tmp_path / "elsewhere")
    stored = json.loads(
        (tmp_path / ".storage" / "core.config_entries").read_text(encoding="utf-8")
    )
    (entry,) = stored["data"]["entries"]
    assert entry["data"]["file_path"] == str(
        tmp_path / "elsewhere" / "notifications.txt"
    )
    assert "www" not in Path(entry["data"]["file_path"]).parts


async def test_develop_plug_switches_itself_on_as_a_plug_does(
    hass: HomeAssistant, tmp_path: Path, freezer: FrozenDateTimeFactory
) -> None:
    """The development plug's fault "switches itself on" (rule 16): 5 s after a switch-off, on again, as the plug's own.

    Its state carries the switch-off's context, which has neither a user nor
    a parent: Back Recovery says the plug switched itself on.
    """
    config = await hass.async_add_executor_job(
        ha_config.load_yaml_config_file,
        str(develop_folder(tmp_path) / "configuration.yaml"),
    )
    for domain, key in (
        ("input_boolean",) * 2,
        ("template",) * 2,
        ("script", "script simulated_plug"),
    ):
        assert await async_setup_component(hass, domain, {domain: config[key]})
    await hass.async_block_till_done()
    plug, relay = "switch.heating_pad_plug", "input_boolean.heating_pad_power"
    await hass.services.async_call(
        "input_boolean",
        "turn_on",
        {"entity_id": "input_boolean.heating_pad_switches_itself_on"},
        blocking=True,
    )
    await hass.services.async_call(
        "input_boolean", "turn_on", {"entity_id": relay}, blocking=True
    )
    await hass.async_block_till_done()
    assert hass.states.is_state(plug, "on")
    switch_off = Context()
    await hass.services.async_call(
        "switch", "turn_off", {"entity_id": plug}, blocking=True, context=switch_off
    )
    assert hass.states.is_state(plug, "off")
    freezer.tick(timedelta(seconds=5))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    state = hass.states.get(plug)
    assert state is not None
    assert state.state == "on"
    assert switch_cause(state.context, Context()) is SwitchCause.PLUG
    assert state.context.id == switch_off.id
