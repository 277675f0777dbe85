"""The simulated heating-pad plug: a template switch over input_booleans, and its faults.

The ``plug`` fixture (conftest) sets it up from ``PLUG_CONFIG`` as ``PLUG``,
the test entry's plug; a test flips its relay, its network and its faults
with ``set_input_boolean``, and starts heat in each of the three ways with
``start_heat``.

A plug that answers late (``PLUG_LATE``) takes each command at once and
switches its relay, and so its report, ``PLUG_LATE_SECONDS`` later: the
command runs in the script ``PLUG_ANSWER``, in a task of its own, so time
must pass on the frozen clock before that task, and with it
``hass.async_block_till_done``, is done.
"""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component

from .ha import HEATING_PAD, action, entity_state, switch, turn

SECOND_PLUG = "switch.second_plug"
"""Another switch (the ``second_plug`` fixture), for flows that change the plug."""
PLUG_POWER = "input_boolean.heating_pad_power"
"""The plug's relay: on while the pad really heats."""
PLUG_ONLINE = "input_boolean.heating_pad_online"
"""Off: the plug is unavailable, as a plug that dropped off the network."""
# Faults the simulated plug can be told to have (each an input_boolean):
PLUG_IGNORES = "input_boolean.heating_pad_ignores_commands"
"""Commands answer success and change nothing (a cloud plug that lost them)."""
PLUG_FAILS = "input_boolean.heating_pad_commands_fail"
"""Commands raise (``MAC no ACK``) and change nothing."""
PLUG_STALE = "input_boolean.heating_pad_reports_off"
"""The plug reports ``off`` whatever its relay does (a default state after a restart)."""
PLUG_UNKNOWN = "input_boolean.heating_pad_reports_unknown"
"""The plug reports ``unknown`` and still takes commands (an MQTT plug whose
broker restarted without a retained state, a Z-Wave value gone unknown)."""
PLUG_LATE = "input_boolean.heating_pad_answers_late"
"""Commands are taken at once; the relay and its report change ``PLUG_LATE_SECONDS``
later (a radio plug answering over a busy mesh)."""
PLUG_LATE_SECONDS = 2
"""Seconds a late plug takes to carry out a command."""
PLUG_ANSWER = "script.heating_pad_answers_late"
"""The script that carries out a late plug's command (parallel: each its own run)."""


def _command(service: str) -> list[dict[str, Any]]:
    """Return the plug's script for ``service``, obeying the faults above."""
    return [
        {
            "if": [{"condition": "state", "entity_id": PLUG_FAILS, "state": "on"}],
            "then": [{"action": "heating_pad.no_ack"}],
        },
        {
            "if": [{"condition": "state", "entity_id": PLUG_IGNORES, "state": "off"}],
            "then": [
                {
                    "if": [
                        {"condition": "state", "entity_id": PLUG_LATE, "state": "on"}
                    ],
                    "then": [
                        {
                            "action": "script.turn_on",
                            "target": {"entity_id": PLUG_ANSWER},
                            "data": {"variables": {"service": service}},
                        }
                    ],
                    "else": [{"action": service, "target": {"entity_id": PLUG_POWER}}],
                }
            ],
        },
    ]


PLUG_CONFIG: dict[str, Any] = {
    "input_boolean": {
        "heating_pad_power": {"name": "Heating pad power"},
        "heating_pad_online": {"name": "Heating pad online", "initial": True},
        "heating_pad_ignores_commands": {"name": "Heating pad ignores commands"},
        "heating_pad_commands_fail": {"name": "Heating pad commands fail"},
        "heating_pad_reports_off": {"name": "Heating pad reports off"},
        "heating_pad_reports_unknown": {"name": "Heating pad reports unknown"},
        "heating_pad_answers_late": {"name": "Heating pad answers late"},
    },
    "script": {
        "heating_pad_answers_late": {
            "alias": "Heating pad answers late",
            "mode": "parallel",
            "sequence": [
                {"delay": {"seconds": PLUG_LATE_SECONDS}},
                {"action": "{{ service }}", "target": {"entity_id": PLUG_POWER}},
            ],
        }
    },
    "template": [
        {
            "switch": [
                {
                    "name": "Heating pad plug",
                    "unique_id": "heating_pad_plug",
                    "state": (
                        "{% if is_state('input_boolean.heating_pad_reports_unknown', 'on') %}"
                        "{{ none }}{% else %}"
                        "{{ is_state('input_boolean.heating_pad_power', 'on')"
                        " and is_state('input_boolean.heating_pad_reports_off', 'off') }}"
                        "{% endif %}"
                    ),
                    "availability": "{{ is_state('input_boolean.heating_pad_online', 'on') }}",
                    "turn_on": _command("input_boolean.turn_on"),
                    "turn_off": _command("input_boolean.turn_off"),
                }
            ]
        }
    ],
}
"""The input_boolean, script and template configuration of the simulated plug."""


async def setup_plug(hass: HomeAssistant) -> None:
    """Set up the simulated plug in ``hass``: its input_booleans, its script and its template switch."""
    assert await async_setup_component(hass, "input_boolean", PLUG_CONFIG)
    assert await async_setup_component(hass, "script", PLUG_CONFIG)
    assert await async_setup_component(hass, "template", PLUG_CONFIG)
    await hass.async_block_till_done()


async def set_input_boolean(hass: HomeAssistant, entity_id: str, on: bool) -> None:
    """Switch an input_boolean behind the plug: the plug's own button, or its app."""
    await turn(hass, "input_boolean", entity_id, on)


def plug_power(hass: HomeAssistant) -> str:
    """Return whether the plug really is on (even while unreachable): its relay's state."""
    return entity_state(hass, PLUG_POWER)


async def start_heat(hass: HomeAssistant, how: str) -> None:
    """Start heat through the switch, the action, or the plug itself."""
    if how == "switch":
        await switch(hass, HEATING_PAD, on=True)
    elif how == "action":
        await action(hass, "start_session", modality="heat")
    else:
        await set_input_boolean(hass, PLUG_POWER, on=True)
    await hass.async_block_till_done()
