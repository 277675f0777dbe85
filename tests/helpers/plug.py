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

from collections.abc import Awaitable
from datetime import datetime
from typing import Any

from homeassistant.const import ATTR_ENTITY_ID, SERVICE_TURN_ON, STATE_ON
from homeassistant.core import (
    CALLBACK_TYPE,
    HassJob,
    HomeAssistant,
    ServiceCall,
    callback,
)
from homeassistant.helpers.event import async_call_later
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
# The plug's own auto-off (rule 15): a number in minutes, one in seconds, the
# switch that enables it, and its fault.
PLUG_AUTO_OFF = "number.heating_pad_auto_off"
"""The plug's auto-off in minutes (1 to 1440, step 1), as a TP-Link plug's."""
PLUG_AUTO_OFF_SECONDS = "number.heating_pad_countdown"
"""The plug's countdown in seconds (0 to 43200, step 1), as Zigbee2MQTT's."""
PLUG_AUTO_OFF_SWITCH = "switch.heating_pad_auto_off_enabled"
"""The switch that enables the auto-off."""
PLUG_AUTO_OFF_IGNORED = "input_boolean.heating_pad_auto_off_ignored"
"""The auto-off and its switch ignore what they are told (they answer success)."""


def _auto_off(name: str, held: str, unit: str, minimum: int, maximum: int) -> Any:
    """Return a template number in ``unit`` held by ``held`` that obeys ``PLUG_AUTO_OFF_IGNORED``."""
    return {
        "name": name,
        "unique_id": held.removeprefix("input_number."),
        "unit_of_measurement": unit,
        "state": f"{{{{ states('{held}') | float(0) }}}}",
        "min": str(minimum),
        "max": str(maximum),
        "step": "1",
        "availability": "{{ is_state('input_boolean.heating_pad_online', 'on') }}",
        "set_value": [
            {
                "if": [
                    {
                        "condition": "state",
                        "entity_id": PLUG_AUTO_OFF_IGNORED,
                        "state": "off",
                    }
                ],
                "then": [
                    {
                        "action": "input_number.set_value",
                        "target": {"entity_id": held},
                        "data": {"value": "{{ value }}"},
                    }
                ],
            }
        ],
    }


def _auto_off_switch(service: str) -> list[dict[str, Any]]:
    """Return the enabling switch's script for ``service``, obeying ``PLUG_AUTO_OFF_IGNORED``."""
    return [
        {
            "if": [
                {
                    "condition": "state",
                    "entity_id": PLUG_AUTO_OFF_IGNORED,
                    "state": "off",
                }
            ],
            "then": [
                {
                    "action": service,
                    "target": {"entity_id": "input_boolean.heating_pad_auto_off"},
                }
            ],
        }
    ]


PLUG_SELF_ON = "input_boolean.heating_pad_switches_itself_on"
"""5 seconds after each switch-off it is sent, the plug switches itself on again
(a countdown that toggles, a power-on behaviour, a bridge that replays a command):
the ``script.heating_pad_switches_itself_on`` of ``SELF_ON_SCRIPTS``. Its state
carries the switch-off's context, as a real plug's within Home Assistant's 5 s."""
SELF_ON_SCRIPTS: dict[str, Any] = {
    "heating_pad_switches_itself_on": {
        "alias": "Heating pad switches itself on",
        "mode": "restart",
        "sequence": [
            {"delay": 5},
            {"condition": "state", "entity_id": PLUG_SELF_ON, "state": "on"},
            {"action": "input_boolean.turn_on", "target": {"entity_id": PLUG_POWER}},
        ],
    }
}
"""The fault's script (``script simulated_plug:`` in the development instance)."""
SELF_ON_SCRIPT = "script.heating_pad_switches_itself_on"
"""The fault's script entity."""
_SELF_ON_STEP: dict[str, Any] = {
    "if": [{"condition": "state", "entity_id": PLUG_SELF_ON, "state": "on"}],
    "then": [
        {
            "action": "script.turn_on",
            "target": {"entity_id": "script.heating_pad_switches_itself_on"},
        }
    ],
}
PLUG_ECHOES_OFF = "input_boolean.heating_pad_echoes_off"
"""A ``turn_off`` is echoed as ``off`` at once while the relay stays on (an
optimistic MQTT switch whose command was lost); ``turn_on`` ends the echo."""
PLUG_ECHOED_OFF = "input_boolean.heating_pad_echoed_off"
"""Set by an echoed ``turn_off``: the plug reports ``off`` until the next ``turn_on``."""

# The plug's power sensor (rule 14): 60 W while the relay is on and the
# pad's element heats, 0 W otherwise.
PLUG_POWER_SENSOR = "sensor.heating_pad_plug_power"
"""The plug's power sensor (device class power, W)."""
PAD_WATTS = 60
"""What the simulated pad draws while its element heats."""
PAD_ELEMENT_IDLE = "input_boolean.heating_pad_element_idle"
"""The pad's own thermostat has switched its element off: 0 W with the relay on."""
POWER_SENSOR_UNAVAILABLE = "input_boolean.heating_pad_power_sensor_unavailable"
"""The power sensor is ``unavailable`` while the plug still answers."""


def _command(service: str, *also_ignored_by: str) -> list[dict[str, Any]]:
    """Return the plug's script for ``service``, obeying the faults above.

    ``also_ignored_by``: more faults that leave the relay as it is.
    """
    return [
        {
            "if": [{"condition": "state", "entity_id": PLUG_FAILS, "state": "on"}],
            "then": [{"action": "heating_pad.no_ack"}],
        },
        {
            "if": [
                {
                    "condition": "state",
                    "entity_id": [PLUG_IGNORES, *also_ignored_by],
                    "state": "off",
                }
            ],
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


def _is_on(entity_id: str) -> dict[str, str]:
    """Return a condition: ``entity_id`` is on."""
    return {"condition": "state", "entity_id": entity_id, "state": "on"}


def _set(entity_id: str, on: bool) -> dict[str, Any]:
    """Return a script step that switches the input_boolean ``entity_id``."""
    action = "input_boolean.turn_on" if on else "input_boolean.turn_off"
    return {"action": action, "target": {"entity_id": entity_id}}


PLUG_CONFIG: dict[str, Any] = {
    "input_boolean": {
        "heating_pad_power": {"name": "Heating pad power"},
        "heating_pad_online": {"name": "Heating pad online", "initial": True},
        "heating_pad_ignores_commands": {"name": "Heating pad ignores commands"},
        "heating_pad_commands_fail": {"name": "Heating pad commands fail"},
        "heating_pad_reports_off": {"name": "Heating pad reports off"},
        "heating_pad_reports_unknown": {"name": "Heating pad reports unknown"},
        "heating_pad_auto_off": {"name": "Heating pad auto-off enabled"},
        "heating_pad_auto_off_ignored": {"name": "Heating pad auto-off ignored"},
        "heating_pad_switches_itself_on": {"name": "Heating pad switches itself on"},
        "heating_pad_echoes_off": {"name": "Heating pad echoes off"},
        "heating_pad_echoed_off": {"name": "Heating pad echoed off"},
        "heating_pad_element_idle": {"name": "Heating pad element idle"},
        "heating_pad_power_sensor_unavailable": {
            "name": "Heating pad power sensor unavailable"
        },
        "heating_pad_answers_late": {"name": "Heating pad answers late"},
    },
    "input_number": {
        "heating_pad_auto_off_minutes": {"min": 0, "max": 1440, "initial": 0},
        "heating_pad_countdown_seconds": {"min": 0, "max": 43200, "initial": 0},
    },
    "script": {
        "heating_pad_answers_late": {
            "alias": "Heating pad answers late",
            "mode": "parallel",
            "sequence": [
                {"delay": {"seconds": PLUG_LATE_SECONDS}},
                {"action": "{{ service }}", "target": {"entity_id": PLUG_POWER}},
            ],
        },
        **SELF_ON_SCRIPTS,
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
                        " and is_state('input_boolean.heating_pad_reports_off', 'off')"
                        " and is_state('input_boolean.heating_pad_echoed_off', 'off') }}"
                        "{% endif %}"
                    ),
                    "availability": "{{ is_state('input_boolean.heating_pad_online', 'on') }}",
                    "turn_on": [
                        *_command("input_boolean.turn_on"),
                        _set(PLUG_ECHOED_OFF, on=False),
                    ],
                    "turn_off": [
                        *_command("input_boolean.turn_off", PLUG_ECHOES_OFF),
                        {
                            "if": [_is_on(PLUG_ECHOES_OFF)],
                            "then": [_set(PLUG_ECHOED_OFF, on=True)],
                        },
                        _SELF_ON_STEP,
                    ],
                },
                {
                    "name": "Heating pad auto-off enabled",
                    "unique_id": "heating_pad_auto_off_enabled",
                    "state": "{{ is_state('input_boolean.heating_pad_auto_off', 'on') }}",
                    "turn_on": _auto_off_switch("input_boolean.turn_on"),
                    "turn_off": _auto_off_switch("input_boolean.turn_off"),
                },
            ],
            "number": [
                _auto_off(
                    "Heating pad auto-off",
                    "input_number.heating_pad_auto_off_minutes",
                    "min",
                    1,
                    1440,
                ),
                _auto_off(
                    "Heating pad countdown",
                    "input_number.heating_pad_countdown_seconds",
                    "s",
                    0,
                    43200,
                ),
            ],
            "sensor": [
                {
                    "name": "Heating pad plug power",
                    "unique_id": "heating_pad_plug_power",
                    "device_class": "power",
                    "state_class": "measurement",
                    "unit_of_measurement": "W",
                    "state": (
                        f"{{{{ {PAD_WATTS} if is_state('{PLUG_POWER}', 'on')"
                        f" and is_state('{PAD_ELEMENT_IDLE}', 'off') else 0 }}}}"
                    ),
                    "availability": (
                        f"{{{{ is_state('{PLUG_ONLINE}', 'on')"
                        f" and is_state('{POWER_SENSOR_UNAVAILABLE}', 'off') }}}}"
                    ),
                }
            ],
        }
    ],
}
"""The input_boolean, input_number, script and template configuration of the simulated plug."""

PLUG_COUNTDOWN_CONFIG: dict[str, Any] = {
    "automation": [
        {
            "id": "heating_pad_auto_off",
            "alias": "Heating pad auto-off",
            "triggers": [
                {
                    "trigger": "state",
                    "entity_id": PLUG_POWER,
                    "to": "on",
                    "for": {
                        "minutes": (
                            "{{ states('input_number.heating_pad_auto_off_minutes')"
                            " | int(0) }}"
                        )
                    },
                }
            ],
            "conditions": [
                {
                    "condition": "state",
                    "entity_id": PLUG_AUTO_OFF_SWITCH,
                    "state": "on",
                },
                {
                    "condition": "numeric_state",
                    "entity_id": PLUG_AUTO_OFF,
                    "above": 0,
                },
            ],
            "actions": [
                {
                    "action": "input_boolean.turn_off",
                    "target": {"entity_id": PLUG_POWER},
                }
            ],
        }
    ]
}
"""The plug's relay obeying its auto-off in minutes: off that long after it went on, while enabled.

As the plug's own firmware would: it runs on when Home Assistant's recovery
is gone (``setup_countdown``).
"""


async def setup_countdown(hass: HomeAssistant) -> None:
    """Make the simulated relay switch itself off after its auto-off (``PLUG_COUNTDOWN_CONFIG``)."""
    assert await async_setup_component(hass, "automation", PLUG_COUNTDOWN_CONFIG)
    await hass.async_block_till_done()


async def setup_plug(hass: HomeAssistant) -> None:
    """Set up the simulated plug in ``hass``: its input_booleans, its script and its template switch."""
    assert await async_setup_component(hass, "input_boolean", PLUG_CONFIG)
    assert await async_setup_component(hass, "input_number", PLUG_CONFIG)
    assert await async_setup_component(hass, "script", PLUG_CONFIG)
    assert await async_setup_component(hass, "template", PLUG_CONFIG)
    await hass.async_block_till_done()


async def switches_itself_on(hass: HomeAssistant, on: bool = True) -> None:
    """Give the plug the fault ``PLUG_SELF_ON``, or take it away.

    The plug's ``script.turn_on`` plays ``SELF_ON_SCRIPTS`` as the development
    instance runs it: 5 seconds after a switch-off the relay goes on, in the
    switch-off's context, unless the fault is off by then; a new switch-off
    starts the 5 seconds again (mode ``restart``). A timer, not a script run:
    ``async_block_till_done`` would wait for the run's delay while the test's
    clock stands still. The plug's other script (``PLUG_ANSWER``) still runs
    through the script integration.
    """
    scripts = hass.services.async_services_for_domain("script")
    original = scripts.get(SERVICE_TURN_ON)
    if on and (original is None or original.job.target.__name__ != "run_script"):
        pending: list[CALLBACK_TYPE] = []

        async def run_script(call: ServiceCall) -> Any:
            if SELF_ON_SCRIPT not in call.data.get(ATTR_ENTITY_ID, ()):
                # Another script of the plug (answers late): as it is.
                assert original is not None
                answer = original.job.target(call)
                return await answer if isinstance(answer, Awaitable) else answer
            while pending:
                pending.pop()()

            @callback
            def switch_itself_on(_now: datetime) -> None:
                pending.clear()
                if hass.states.is_state(PLUG_SELF_ON, STATE_ON):
                    hass.async_create_task(
                        hass.services.async_call(
                            "input_boolean",
                            "turn_on",
                            {"entity_id": PLUG_POWER},
                            blocking=True,
                            context=call.context,
                        )
                    )

            job = HassJob(
                switch_itself_on, "plug on by itself", cancel_on_shutdown=True
            )
            pending.append(async_call_later(hass, 5, job))
            return None

        hass.services.async_register("script", SERVICE_TURN_ON, run_script)
    await set_input_boolean(hass, PLUG_SELF_ON, on)


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
