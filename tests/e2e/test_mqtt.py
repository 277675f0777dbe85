"""Back Recovery with a real MQTT plug: a real Home Assistant, a real broker.

In the test harness a plug reports its state at once; a real MQTT plug does
not. Here Home Assistant runs as a process of its own (scripts/develop) with
its MQTT integration connected to Debian's Mosquitto on a loopback port, and
the heating pad is ``SimulatedPlug`` (tests/e2e/mqtt_plug.py), announced by
MQTT discovery, which publishes its state on a reconnect 2 s before it listens
to commands again, as real plugs do.

- Rule 5: heat runs on the plug, the broker is killed (SIGKILL: no last will,
  retained messages lost) and comes back after the planned end. The session
  is started with ``minutes: 1``, the shortest the action allows (1 to
  ``session_minutes``), so the planned end is a minute away: an honest
  session through the real action, and a test that waits one minute, not 20.
  Home Assistant is back on the broker first (it retries every 10 s), still
  taking the plug for available and on (no last will told it otherwise), and
  sends the switch-off at once: nobody hears it. The plug is held back until
  then, reconnects, publishes ``ON`` and listens 2 s later: the switch-off
  must come again (5 s after the first) and the relay be off within 10 s of
  the plug being back.
- Rules 2 and 18: with Home Assistant stopped, the recovery's stored history is
  damaged (not JSON; sessions that are not a list) and the plug is switched on
  at its button. At start-up the plug is unavailable, then reports on: the
  relay must be switched off and no session may start.
- Rule 15: the plug has its own countdown in seconds (a discovered ``number``
  and its enabling ``switch``), chosen in the config flow. Heat starts with
  ``minutes: 1``: Back Recovery sets the countdown to 180 s (1 + 2 minutes)
  and enables it before the relay goes on; then Home Assistant is killed
  (SIGKILL). The relay stays on, and the plug's firmware switches it off by
  itself at the session's minutes plus 2, with Home Assistant dead throughout.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
import json
import os
from pathlib import Path
import socket
import time
from typing import Any
import urllib.error

import pytest

from .conftest import START_TIMEOUT
from .instance import HomeAssistantInstance, add_recovery, wait_for_state
from .mqtt_plug import HOST, Listener, Mosquitto, SimulatedPlug

SESSION_ACTIVE = "binary_sensor.back_recovery_session_active"
HEATING_PAD_PROBLEM = "binary_sensor.back_recovery_heating_pad_switch_off"
SESSION_ENDS = "sensor.back_recovery_session_ends"
SESSIONS_TODAY = "sensor.back_recovery_sessions_today"
LAST_SESSION_END = "sensor.back_recovery_last_session_end"

DISCOVERY_TIMEOUT = 30.0
"""How long the plug may take to appear in Home Assistant by discovery, in seconds."""
HA_RECONNECT_TIMEOUT = 30.0
"""How long Home Assistant may take to be on the broker again (it retries every 10 s)."""
RETRY_SECONDS = 5.0
"""Rule 10's first backoff step: the switch-off is sent again after 5 s."""
SWITCH_OFF_TIMEOUT = 10.0
"""How long the relay may stay on once the plug is back (lost command + first retry)."""
BACKSTOP_MARGIN = timedelta(minutes=2)
"""Rule 15: the plug's auto-off is the session's minutes plus 2."""
BACKSTOP_TOLERANCE = 3.0
"""How far, in seconds, the plug's own switch-off may lie from the planned end + 2 minutes."""

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]


def add_mqtt(home_assistant: HomeAssistantInstance, broker: Mosquitto) -> None:
    """Add the MQTT integration with the test's broker through the config flow's API."""
    flow = home_assistant.request(
        "POST", "/api/config/config_entries/flow", {"handler": "mqtt"}
    )
    assert (flow["type"], flow["step_id"]) == ("form", "broker"), flow
    result = home_assistant.request(
        "POST",
        f"/api/config/config_entries/flow/{flow['flow_id']}",
        {
            "broker": HOST,
            "port": broker.port,
            # The form's defaults, as the frontend sends them: no certificates.
            "other_settings": {"set_client_cert": False, "set_ca_cert": "off"},
        },
    )
    assert result["type"] == "create_entry", result


def recovery_with_mqtt_plug(
    home_assistant: HomeAssistantInstance,
    broker: Mosquitto,
    plug: SimulatedPlug,
    *,
    backstop: bool = False,
) -> str:
    """Connect the plug and MQTT, add a recovery with the plug; return its entry id.

    With ``backstop``, the plug's countdown and its switch are chosen as the
    plug's auto-off (rule 15). Returns once the plug listens to commands.
    """
    plug.start()
    add_mqtt(home_assistant, broker)
    wait_for_state(home_assistant, plug.entity_id, "off", DISCOVERY_TIMEOUT)
    if not backstop:
        plug.wait_for("subscribed", 10)
        return add_recovery(home_assistant, heating_pad=plug.entity_id)
    wait_for_state(home_assistant, plug.countdown_entity_id, "0", DISCOVERY_TIMEOUT)
    wait_for_state(home_assistant, plug.enable_entity_id, "off", DISCOVERY_TIMEOUT)
    # The plug listens 2 s after it connected; what it is sent before is lost.
    plug.wait_for("subscribed", 10)
    return add_recovery(
        home_assistant,
        heating_pad=plug.entity_id,
        plug_auto_off=plug.countdown_entity_id,
        plug_auto_off_switch=plug.enable_entity_id,
    )


def wait_for_subscriber(broker: Mosquitto, plug: SimulatedPlug) -> float:
    """Wait until a client besides the plug subscribes to its state; return when.

    That client is Home Assistant, back on the broker (the broker's log says).
    """
    deadline = time.monotonic() + HA_RECONNECT_TIMEOUT
    while not set(broker.subscribers(plug.topics.state)) - {plug.client_id}:
        assert time.monotonic() < deadline, (
            f"Home Assistant did not subscribe to {plug.topics.state} again within"
            f" {HA_RECONNECT_TIMEOUT:.0f} s; see {broker.log_path}"
        )
        time.sleep(0.1)
    return time.monotonic()


def planned_end(home_assistant: HomeAssistantInstance) -> datetime:
    """Return the running session's planned end."""
    return datetime.fromisoformat(home_assistant.state(SESSION_ENDS)["state"])


def test_rule_5_mqtt_plug_back_after_a_broker_crash_is_switched_off(
    mqtt_home_assistant: HomeAssistantInstance,
    broker: Mosquitto,
    mqtt_plug: SimulatedPlug,
    command_listener: Listener,
) -> None:
    """A plug back after the planned end is switched off, though the first command is lost."""
    ha, plug = mqtt_home_assistant, mqtt_plug
    entry_id = recovery_with_mqtt_plug(ha, broker, plug)
    # Home Assistant's log then shows every MQTT message it sends and gets.
    ha.request(
        "POST",
        "/api/services/logger/set_level",
        {"homeassistant.components.mqtt.client": "debug"},
    )

    ha.request(
        "POST",
        "/api/services/back_recovery/start_session",
        {"config_entry_id": entry_id, "modality": "heat", "minutes": 1},
    )
    wait_for_state(ha, SESSION_ACTIVE, "on")
    assert plug.relay, "the heat start did not switch the relay on"
    ends_at = planned_end(ha)

    # The broker dies during heat; the plug stays away (its own reconnects
    # are held) until Home Assistant is back on the broker.
    broker.kill()
    plug.stop()
    wait_for_state(ha, plug.entity_id, "unavailable")
    wait_for_state(ha, HEATING_PAD_PROBLEM, "on")
    time.sleep(max(0.0, (ends_at - datetime.now(UTC)).total_seconds()) + 2)
    assert plug.relay, "nothing can reach the plug, yet its relay went off"
    assert ha.state(plug.entity_id)["state"] == "unavailable"

    # Home Assistant is back on the broker first: no last will told it the
    # plug went away, so it takes the plug for available and on at once and
    # sends the switch-off, which nobody hears. The plug follows (held back
    # until then), publishes ON and listens 2 s later.
    restarted = time.monotonic()
    broker.start()
    ha_back = wait_for_subscriber(broker, plug)
    assert command_listener.connected.wait(10), "the listener is not back on the broker"
    plug.start()
    back = plug.wait_for("connected", 10, after=restarted)
    subscribed = plug.wait_for("subscribed", 10, after=back)
    relay_off = plug.wait_for("relay OFF", SWITCH_OFF_TIMEOUT, after=back)
    offs = command_listener.times(plug.topics.command, "OFF", after=restarted)
    assert relay_off - back <= SWITCH_OFF_TIMEOUT
    assert offs, "no switch-off reached the broker"
    assert offs[0] <= ha_back + 1, (
        f"the first switch-off came {offs[0] - ha_back:.1f} s after Home Assistant"
        " was back on the broker, not at once"
    )
    assert offs[0] < subscribed, (
        "the first switch-off came after the plug listened again: the test did"
        f" not exercise a lost command (plug events: {plug.events})"
    )
    assert len(offs) >= 2, f"the lost switch-off was not sent again: {offs}"
    assert offs[1] - offs[0] <= RETRY_SECONDS + 2, (
        f"the switch-off was sent again {offs[1] - offs[0]:.1f} s later, not after"
        f" about {RETRY_SECONDS:.0f} s"
    )
    wait_for_state(ha, plug.entity_id, "off")
    wait_for_state(ha, SESSION_ACTIVE, "off")
    wait_for_state(ha, HEATING_PAD_PROBLEM, "off")
    assert not plug.relay


def not_json(path: Path) -> None:
    """Overwrite the stored history with bytes that are no JSON."""
    path.write_bytes(b"\x00garbage{{{ not json")


def sessions_not_a_list(path: Path) -> None:
    """Keep the stored history valid JSON whose sessions are not a list."""
    stored: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    stored["data"]["sessions"] = {"not": "a list"}
    path.write_text(json.dumps(stored), encoding="utf-8")


@pytest.mark.parametrize(
    "damage", [not_json, sessions_not_a_list], ids=["not-json", "sessions-not-a-list"]
)
def test_rule_2_and_18_damaged_history_plug_on_at_its_button_is_switched_off(
    mqtt_home_assistant: HomeAssistantInstance,
    broker: Mosquitto,
    mqtt_plug: SimulatedPlug,
    damage: Callable[[Path], None],
) -> None:
    """An unreadable history: a plug found on at start-up is switched off, no session."""
    ha, plug = mqtt_home_assistant, mqtt_plug
    entry_id = recovery_with_mqtt_plug(ha, broker, plug)
    wait_for_state(ha, SESSION_ACTIVE, "off")

    assert ha.stop() == 0, f"no clean stop on Ctrl-C; see {ha.log_path}"
    stored = ha.config_dir / ".storage" / f"back_recovery.{entry_id}"
    assert stored.is_file(), f"no stored history at {stored}"
    damage(stored)
    plug.press_button(True)
    pressed = plug.wait_for("published ON", 5)

    ha.start_again(START_TIMEOUT)
    relay_off = plug.wait_for("relay OFF", SWITCH_OFF_TIMEOUT, after=pressed)
    assert plug.event_time("command OFF", after=pressed) is not None
    wait_for_state(ha, plug.entity_id, "off")
    assert ha.state(SESSION_ACTIVE)["state"] == "off"
    assert ha.state(SESSIONS_TODAY)["state"] == "0"
    assert ha.state(LAST_SESSION_END)["state"] == "unknown"
    # The relay stays off: nothing switches it on again.
    time.sleep(2)
    assert not plug.relay
    assert plug.event_time("relay ON", after=relay_off) is None
    entries = ha.request("GET", "/api/config/config_entries/entry?domain=back_recovery")
    assert [entry["state"] for entry in entries] == ["loaded"]


def start_heat(
    home_assistant: HomeAssistantInstance, entry_id: str, plug: SimulatedPlug
) -> None:
    """Start a one-minute heat session; a refusal fails with Home Assistant's answer.

    The failure names the plug's events and the end of Home Assistant's log.
    """
    try:
        home_assistant.request(
            "POST",
            "/api/services/back_recovery/start_session",
            {"config_entry_id": entry_id, "modality": "heat", "minutes": 1},
        )
    except urllib.error.HTTPError as err:
        log_tail = home_assistant.log_path.read_text(errors="replace")[-4000:]
        raise AssertionError(
            f"the heat start was refused (HTTP {err.code}: "
            f"{err.read().decode(errors='replace')}); the plug's events (monotonic"
            f" s): {plug.events}; the log ends:\n{log_tail}"
        ) from err


def wall_clock(monotonic: float) -> datetime:
    """Return the wall-clock time of a ``time.monotonic()`` stamp of this process."""
    return datetime.now(UTC) - timedelta(seconds=time.monotonic() - monotonic)


def answers(home_assistant: HomeAssistantInstance) -> bool:
    """Return whether anything accepts connections on Home Assistant's port."""
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", home_assistant.port)) == 0


def test_rule_15_backstop_switches_the_pad_off_while_home_assistant_is_dead(
    mqtt_home_assistant: HomeAssistantInstance,
    broker: Mosquitto,
    countdown_plug: SimulatedPlug,
) -> None:
    """Home Assistant killed during heat: the plug's own countdown switches the pad off."""
    ha, plug = mqtt_home_assistant, countdown_plug
    entry_id = recovery_with_mqtt_plug(ha, broker, plug, backstop=True)
    asked = time.monotonic()
    start_heat(ha, entry_id, plug)
    wait_for_state(ha, SESSION_ACTIVE, "on")
    relay_on = plug.wait_for("relay ON", 10, after=asked)
    ends_at = planned_end(ha)
    # Set before the relay went on: 1 minute + 2 = 180 s, and enabled.
    assert (plug.countdown, plug.countdown_enabled) == (180, True), plug.events
    set_at = plug.wait_for("countdown 180", 0, after=asked)
    enabled_at = plug.wait_for("countdown enabled ON", 0, after=asked)
    assert max(set_at, enabled_at) < relay_on, plug.events
    assert ha.state(plug.countdown_entity_id)["state"] == "180"
    assert ha.state(plug.enable_entity_id)["state"] == "on"

    # Home Assistant dies mid-session: no stop event, no switch-off.
    killed_at = time.monotonic()
    pid = ha.kill()
    assert not ha.running
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert plug.relay, "the relay went off with Home Assistant's death, not by itself"

    deadline = (ends_at + BACKSTOP_MARGIN - datetime.now(UTC)).total_seconds()
    relay_off = plug.wait_for(
        "relay OFF", max(0.0, deadline) + BACKSTOP_TOLERANCE, after=relay_on
    )
    assert plug.event_time("auto-off", after=relay_on) is not None, plug.events
    late = (wall_clock(relay_off) - (ends_at + BACKSTOP_MARGIN)).total_seconds()
    assert abs(late) <= BACKSTOP_TOLERANCE, (
        f"the plug switched itself off {late:+.1f} s from the planned end plus"
        " 2 minutes"
    )
    assert relay_off - relay_on >= 180 - 0.5
    # Nobody told the plug anything after the kill: Home Assistant stayed dead.
    assert not [
        event
        for at, event in plug.events
        if at > killed_at and event.startswith("command")
    ], plug.events
    assert not ha.running
    assert not answers(ha), "something answers on Home Assistant's port"
    assert not plug.relay
