"""A real MQTT broker (Debian's Mosquitto) and a simulated Tasmota-like plug.

The real-process MQTT test runs Mosquitto on a free loopback port, with no
persistence: killing it (SIGKILL) loses every retained message and sends no
last will, as a broker that crashes does. ``SimulatedPlug`` is a plug with a
relay, driven by paho-mqtt in its own network thread, the way a Tasmota plug
talks to Home Assistant:

- it announces one switch by MQTT discovery (``homeassistant/switch/<id>/config``)
  with a command topic (``cmnd/<id>/POWER``), a retained state topic
  (``stat/<id>/POWER``, ``ON``/``OFF``) and an availability topic
  (``tele/<id>/LWT``, ``Online``/``Offline``) that its last will sets to
  ``Offline``;
- on every (re)connect it publishes availability, discovery and its relay
  state first, and subscribes to its command topic ``subscribe_delay``
  seconds later: a command sent in that gap is lost (real plugs do this);
- ``ignore_commands`` makes it take commands and change nothing;
- ``auto_off_seconds`` is the plug's own countdown: the relay switches itself
  off that many seconds after it went on (reported like any change);
- ``countdown_unit`` (``min`` or ``s``) gives the plug a countdown that Home
  Assistant sets, as TP-Link's *Turn off in* or Zigbee2MQTT's *Countdown*: a
  ``number`` announced by discovery on the same device
  (``homeassistant/number/<id>_auto_off/config``; command ``cmnd/<id>/AutoOff``,
  retained state ``stat/<id>/AUTOOFF``, 0 to 120 min or 0 to 7200 s, step 1),
  and with ``countdown_switch`` a ``switch`` that enables it
  (``cmnd/<id>/AutoOffEnable``, retained ``stat/<id>/AUTOOFFENABLE``). The
  plug's firmware, in its own thread, switches the relay off when the
  countdown (armed when the relay goes on, enabled and not 0) runs out: Home
  Assistant need not be alive. It reports a value only once it has taken it,
  never optimistically;
- ``press_button`` switches the relay at the plug itself, and reports it when
  connected.

Everything the plug does is kept in ``events`` with a monotonic time stamp.
``Listener`` is a second client that records, also with monotonic time
stamps, what Home Assistant sends to the plug.
"""

from __future__ import annotations

from collections.abc import Callable
import contextlib
from dataclasses import dataclass
import json
import os
from pathlib import Path
import pwd
import re
import signal
import socket
import subprocess
import threading
import time
from typing import Any

from paho.mqtt.client import Client, ConnectFlags, DisconnectFlags, MQTTMessage
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.properties import Properties
from paho.mqtt.reasoncodes import ReasonCode

from .instance import free_port

HOST = "127.0.0.1"
BROKER_START_TIMEOUT = 10.0
"""How long Mosquitto may take to accept connections, in seconds."""
SUBSCRIBED = re.compile(r"^[\d:]+: (\S+) [0-2] (\S+)$", re.MULTILINE)
"""A subscription in Mosquitto's log: the client's id and the topic."""
# paho waits this many seconds between reconnect attempts (it takes whole seconds).
RECONNECT_DELAY = 1
COUNTDOWN_UNITS = {"min": 120, "s": 7200}
"""The units a plug's countdown may count in, each with its maximum."""


def _wait(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    """Wait until ``predicate`` holds, polling; raise AssertionError after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() >= deadline:
            raise AssertionError(f"{what} did not happen within {timeout:.0f} s")
        time.sleep(0.05)


class Mosquitto:
    """Mosquitto on a free loopback port, started and killed by the test."""

    def __init__(self, executable: str, folder: Path, log_path: Path) -> None:
        """Write the broker's configuration into ``folder``; nothing runs yet."""
        self.executable = executable
        self.port = free_port()
        self.log_path = log_path
        self.config_path = folder / "mosquitto.conf"
        log_path.write_bytes(b"")
        folder.mkdir(parents=True, exist_ok=True)
        self.config_path.write_text(
            f"listener {self.port} {HOST}\n"
            "allow_anonymous true\n"
            "persistence false\n"
            f"user {pwd.getpwuid(os.geteuid()).pw_name}\n"
            f"log_dest file {log_path}\n"
            "log_type error\nlog_type warning\nlog_type notice\n"
            "log_type information\nlog_type subscribe\n"
            "log_timestamp_format %H:%M:%S\n",
            encoding="utf-8",
        )
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start the broker (its log is appended to) and wait until it accepts."""
        assert self._process is None, "Mosquitto runs already"
        with self.log_path.open("ab") as log:
            self._process = subprocess.Popen(  # noqa: S603
                [self.executable, "-c", str(self.config_path)],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        _wait(self._accepts, BROKER_START_TIMEOUT, f"Mosquitto on port {self.port}")

    def _accepts(self) -> bool:
        if self._process is None or self._process.poll() is not None:
            raise AssertionError(f"Mosquitto exited; see {self.log_path}")
        with contextlib.closing(socket.socket()) as sock:
            sock.settimeout(1)
            return sock.connect_ex((HOST, self.port)) == 0

    def subscribers(self, topic: str) -> list[str]:
        """Return the ids of the clients that subscribed to ``topic`` since the last start.

        Read from the broker's log (``log_type subscribe``: ``ID QOS TOPIC``).
        """
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        since_start = text.rsplit("mosquitto version", 1)[-1]
        return [
            client for client, seen in SUBSCRIBED.findall(since_start) if seen == topic
        ]

    def kill(self) -> None:
        """Kill the broker (SIGKILL): no last wills, every retained message lost."""
        if (process := self._process) is None:
            return
        self._process = None
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signal.SIGKILL)
        process.wait()


@dataclass(frozen=True)
class Topics:
    """The topics of one plug, Tasmota's names."""

    device_id: str

    @property
    def command(self) -> str:
        """Where the plug takes ``ON``/``OFF``."""
        return f"cmnd/{self.device_id}/POWER"

    @property
    def state(self) -> str:
        """Where the plug reports its relay, retained."""
        return f"stat/{self.device_id}/POWER"

    @property
    def availability(self) -> str:
        """``Online`` when connected; the last will sets ``Offline``."""
        return f"tele/{self.device_id}/LWT"

    @property
    def discovery(self) -> str:
        """Home Assistant's discovery topic of the plug's switch."""
        return f"homeassistant/switch/{self.device_id}/config"

    @property
    def countdown_command(self) -> str:
        """Where the plug takes its countdown (a number in its unit)."""
        return f"cmnd/{self.device_id}/AutoOff"

    @property
    def countdown_state(self) -> str:
        """Where the plug reports its countdown, retained."""
        return f"stat/{self.device_id}/AUTOOFF"

    @property
    def countdown_discovery(self) -> str:
        """Home Assistant's discovery topic of the countdown's ``number``."""
        return f"homeassistant/number/{self.device_id}_auto_off/config"

    @property
    def enable_command(self) -> str:
        """Where the plug takes ``ON``/``OFF`` for its countdown."""
        return f"cmnd/{self.device_id}/AutoOffEnable"

    @property
    def enable_state(self) -> str:
        """Where the plug reports whether its countdown is enabled, retained."""
        return f"stat/{self.device_id}/AUTOOFFENABLE"

    @property
    def enable_discovery(self) -> str:
        """Home Assistant's discovery topic of the countdown's enabling ``switch``."""
        return f"homeassistant/switch/{self.device_id}_auto_off/config"


class SimulatedPlug:
    """A Tasmota-like MQTT plug with one relay (see the module's docstring)."""

    def __init__(
        self,
        port: int,
        *,
        device_id: str = "heating_pad",
        name: str = "Heating pad MQTT plug",
        subscribe_delay: float = 0.0,
        ignore_commands: bool = False,
        auto_off_seconds: float | None = None,
        countdown_unit: str | None = None,
        countdown_switch: bool = False,
    ) -> None:
        """Prepare the plug with its relay off; it connects on ``start``.

        ``subscribe_delay`` (seconds) passes between publishing the state on a
        (re)connect and subscribing to the command topic; ``auto_off_seconds``
        is the plug's own countdown after the relay goes on (None: none).
        ``countdown_unit`` (``min`` or ``s``; None: none) announces a countdown
        Home Assistant sets, starting at 0 (off); ``countdown_switch`` adds
        its enabling switch, starting off.
        """
        assert countdown_unit in (None, *COUNTDOWN_UNITS), countdown_unit
        self.topics = Topics(device_id)
        self.name = name
        self.subscribe_delay = subscribe_delay
        self.ignore_commands = ignore_commands
        self.auto_off_seconds = auto_off_seconds
        self.countdown_unit = countdown_unit
        self.countdown_switch = countdown_switch
        self._countdown = 0
        self._countdown_enabled = False
        self.events: list[tuple[float, str]] = []
        self._relay = False
        self._connected = False
        self._lock = threading.Lock()
        self._timers: list[threading.Timer] = []
        self._auto_off: threading.Timer | None = None
        self._port = port
        self.client_id = f"plug-{device_id}"
        self._client = Client(CallbackAPIVersion.VERSION2, client_id=self.client_id)
        self._client.will_set(self.topics.availability, "Offline", qos=1, retain=True)
        self._client.reconnect_delay_set(RECONNECT_DELAY, RECONNECT_DELAY)
        self._client.on_connect = self._on_connect
        self._client.on_disconnect = self._on_disconnect
        self._client.on_message = self._on_message

    @property
    def entity_id(self) -> str:
        """The switch's entity id in Home Assistant (from the device's name)."""
        return "switch." + self.name.lower().replace(" ", "_")

    @property
    def relay(self) -> bool:
        """Whether the relay is on (the pad heats)."""
        with self._lock:
            return self._relay

    @property
    def countdown_entity_id(self) -> str:
        """The countdown's ``number`` in Home Assistant (device name + ``Auto-off``)."""
        return "number." + self._object_id("auto_off")

    @property
    def enable_entity_id(self) -> str:
        """The countdown's enabling ``switch`` in Home Assistant."""
        return "switch." + self._object_id("auto_off_enabled")

    @property
    def countdown(self) -> int:
        """The countdown the plug holds, in ``countdown_unit`` (0: off)."""
        with self._lock:
            return self._countdown

    @property
    def countdown_enabled(self) -> bool:
        """Whether the countdown is enabled (always, without an enabling switch)."""
        with self._lock:
            return self._countdown_enabled or not self.countdown_switch

    def _object_id(self, suffix: str) -> str:
        return self.name.lower().replace(" ", "_") + "_" + suffix

    def start(self) -> None:
        """Connect (and keep reconnecting) in paho's network thread."""
        self._client.connect_async(HOST, self._port, keepalive=10)
        self._client.loop_start()

    def stop(self) -> None:
        """Disconnect (no last will) and stop every thread of the plug."""
        with self._lock:
            timers, self._timers = self._timers, []
            if self._auto_off is not None:
                timers.append(self._auto_off)
                self._auto_off = None
        for timer in timers:
            timer.cancel()
            timer.join()
        self._client.disconnect()
        self._client.loop_stop()
        with self._lock:
            self._connected = False

    def press_button(self, on: bool) -> None:
        """Switch the relay at the plug itself; reported when connected."""
        self._record(f"button {'ON' if on else 'OFF'}")
        self._set_relay(on)

    def event_time(self, what: str, after: float = 0.0) -> float | None:
        """Return the monotonic time of the first ``what`` after ``after``, if any."""
        with self._lock:
            return next(
                (at for at, event in self.events if event == what and at > after), None
            )

    def wait_for(self, what: str, timeout: float, after: float = 0.0) -> float:
        """Wait for the event ``what`` (after ``after``); return its monotonic time."""
        _wait(
            lambda: self.event_time(what, after) is not None, timeout, f"plug: {what}"
        )
        found = self.event_time(what, after)
        assert found is not None
        return found

    def discovery_config(self) -> dict[str, Any]:
        """Return the switch's MQTT discovery payload."""
        return {
            "name": None,
            "unique_id": f"{self.topics.device_id}_relay",
            "command_topic": self.topics.command,
            "state_topic": self.topics.state,
            "payload_on": "ON",
            "payload_off": "OFF",
            **self._device_config(),
        }

    def countdown_discovery_config(self) -> dict[str, Any]:
        """Return the countdown ``number``'s MQTT discovery payload (not optimistic)."""
        assert self.countdown_unit is not None
        return {
            "name": "Auto-off",
            "unique_id": f"{self.topics.device_id}_auto_off",
            "command_topic": self.topics.countdown_command,
            "state_topic": self.topics.countdown_state,
            "unit_of_measurement": self.countdown_unit,
            "device_class": "duration",
            "min": 0,
            "max": COUNTDOWN_UNITS[self.countdown_unit],
            "step": 1,
            "mode": "box",
            **self._device_config(),
        }

    def enable_discovery_config(self) -> dict[str, Any]:
        """Return the enabling ``switch``'s MQTT discovery payload (not optimistic)."""
        return {
            "name": "Auto-off enabled",
            "unique_id": f"{self.topics.device_id}_auto_off_enabled",
            "command_topic": self.topics.enable_command,
            "state_topic": self.topics.enable_state,
            "payload_on": "ON",
            "payload_off": "OFF",
            **self._device_config(),
        }

    def _device_config(self) -> dict[str, Any]:
        """Return the availability and device keys every entity of the plug shares."""
        return {
            "availability_topic": self.topics.availability,
            "payload_available": "Online",
            "payload_not_available": "Offline",
            "device": {
                "identifiers": [self.topics.device_id],
                "name": self.name,
                "manufacturer": "Back Recovery tests",
                "model": "Simulated Tasmota-like plug",
            },
        }

    def _announcements(self) -> list[tuple[str, dict[str, Any]]]:
        """Return each discovery topic of the plug with its payload."""
        found = [(self.topics.discovery, self.discovery_config())]
        if self.countdown_unit is not None:
            found.append(
                (self.topics.countdown_discovery, self.countdown_discovery_config())
            )
            if self.countdown_switch:
                found.append(
                    (self.topics.enable_discovery, self.enable_discovery_config())
                )
        return found

    def _command_topics(self) -> list[str]:
        """Return the topics the plug takes commands on."""
        topics = [self.topics.command]
        if self.countdown_unit is not None:
            topics.append(self.topics.countdown_command)
            if self.countdown_switch:
                topics.append(self.topics.enable_command)
        return topics

    def _record(self, what: str) -> None:
        with self._lock:
            self.events.append((time.monotonic(), what))

    def _publish_state(self) -> None:
        state = "ON" if self.relay else "OFF"
        self._client.publish(self.topics.state, state, qos=1, retain=True)
        self._record(f"published {state}")

    def _publish_countdown(self) -> None:
        """Report the countdown and its switch, retained (nothing without a countdown)."""
        if self.countdown_unit is None:
            return
        with self._lock:
            countdown, enabled = self._countdown, self._countdown_enabled
        self._client.publish(
            self.topics.countdown_state, str(countdown), qos=1, retain=True
        )
        self._record(f"published countdown {countdown}")
        if self.countdown_switch:
            state = "ON" if enabled else "OFF"
            self._client.publish(self.topics.enable_state, state, qos=1, retain=True)
            self._record(f"published countdown enabled {state}")

    def _set_relay(self, on: bool) -> None:
        with self._lock:
            self._relay = on
            if self._auto_off is not None:
                self._auto_off.cancel()
                self._auto_off = None
            if on and (seconds := self._countdown_seconds()) is not None:
                self._auto_off = threading.Timer(seconds, self._count_down)
                self._auto_off.daemon = True
                self._auto_off.start()
            connected = self._connected
        self._record(f"relay {'ON' if on else 'OFF'}")
        if connected:
            self._publish_state()

    def _countdown_seconds(self) -> float | None:
        """Return the seconds the relay stays on before the plug's own switch-off.

        The fixed ``auto_off_seconds``, else the countdown set through MQTT
        when enabled and not 0; None: the relay stays on. Called with the lock held.
        """
        if self.auto_off_seconds is not None:
            return self.auto_off_seconds
        if self.countdown_unit is None or self._countdown <= 0:
            return None
        if self.countdown_switch and not self._countdown_enabled:
            return None
        return self._countdown * (60.0 if self.countdown_unit == "min" else 1.0)

    def _count_down(self) -> None:
        self._record("auto-off")
        self._set_relay(False)

    def _take_countdown(self, payload: str) -> None:
        """Take a countdown value (whole units within range), then report it."""
        assert self.countdown_unit is not None
        try:
            value = float(payload)
        except ValueError:
            return
        if (
            not value.is_integer()
            or not 0 <= value <= COUNTDOWN_UNITS[self.countdown_unit]
        ):
            return
        with self._lock:
            self._countdown = int(value)
        self._record(f"countdown {int(value)}")
        self._publish_countdown()

    def _take_enable(self, payload: str) -> None:
        """Enable or disable the countdown; disabling stops a running one."""
        if payload not in ("ON", "OFF"):
            return
        with self._lock:
            self._countdown_enabled = payload == "ON"
            if not self._countdown_enabled and self._auto_off is not None:
                self._auto_off.cancel()
                self._auto_off = None
        self._record(f"countdown enabled {payload}")
        self._publish_countdown()

    def _on_connect(
        self,
        client: Client,
        userdata: object,
        flags: ConnectFlags,
        reason_code: ReasonCode,
        properties: Properties | None,
    ) -> None:
        if reason_code.is_failure:
            return
        with self._lock:
            self._connected = True
        self._record("connected")
        client.publish(self.topics.availability, "Online", qos=1, retain=True)
        for topic, config in self._announcements():
            client.publish(topic, json.dumps(config), qos=1, retain=True)
        self._publish_state()
        self._publish_countdown()
        if self.subscribe_delay <= 0:
            self._subscribe()
            return
        timer = threading.Timer(self.subscribe_delay, self._subscribe)
        timer.daemon = True
        with self._lock:
            self._timers.append(timer)
        timer.start()

    def _subscribe(self) -> None:
        self._client.subscribe([(topic, 1) for topic in self._command_topics()])
        self._record("subscribed")

    def _on_disconnect(
        self,
        client: Client,
        userdata: object,
        flags: DisconnectFlags,
        reason_code: ReasonCode,
        properties: Properties | None,
    ) -> None:
        with self._lock:
            self._connected = False
        self._record("disconnected")

    def _on_message(
        self, client: Client, userdata: object, message: MQTTMessage
    ) -> None:
        payload = message.payload.decode(errors="replace").upper()
        if message.topic == self.topics.countdown_command:
            self._record(f"command countdown {payload}")
            self._take_countdown(payload)
            return
        if message.topic == self.topics.enable_command:
            self._record(f"command countdown enabled {payload}")
            self._take_enable(payload)
            return
        self._record(f"command {payload}")
        if self.ignore_commands or payload not in ("ON", "OFF", "TOGGLE"):
            return
        self._set_relay(payload == "ON" or (payload == "TOGGLE" and not self.relay))


LISTENER_ID = "e2e-listener"


class Listener:
    """Records what reaches a plug's command topic."""

    def __init__(self, port: int, topics: Topics) -> None:
        """Prepare the listener; it connects on ``start``."""
        self.messages: list[tuple[float, str, str]] = []
        self._topics = topics
        self._lock = threading.Lock()
        self._port = port
        self.connected = threading.Event()
        """Set while connected and subscribed to the command topic."""
        self._client = Client(CallbackAPIVersion.VERSION2, client_id=LISTENER_ID)
        self._client.reconnect_delay_set(RECONNECT_DELAY, RECONNECT_DELAY)
        self._client.on_connect = self._on_connect
        self._client.on_subscribe = self._on_subscribe
        self._client.on_disconnect = self._on_disconnect
        self._client.on_message = self._on_message

    def start(self) -> None:
        """Connect (and keep reconnecting) in paho's network thread."""
        self._client.connect_async(HOST, self._port, keepalive=10)
        self._client.loop_start()

    def stop(self) -> None:
        """Disconnect and stop the network thread."""
        self._client.disconnect()
        self._client.loop_stop()

    def times(self, topic: str, payload: str, after: float = 0.0) -> list[float]:
        """Return the monotonic times ``payload`` arrived on ``topic`` after ``after``."""
        with self._lock:
            return [
                at
                for at, seen, text in self.messages
                if (seen, text) == (topic, payload) and at > after
            ]

    def wait_for(
        self, topic: str, payload: str, timeout: float, after: float = 0.0
    ) -> float:
        """Wait for ``payload`` on ``topic`` (after ``after``); return when it came."""
        _wait(
            lambda: bool(self.times(topic, payload, after)),
            timeout,
            f"{payload} on {topic}",
        )
        return self.times(topic, payload, after)[0]

    def _on_connect(
        self,
        client: Client,
        userdata: object,
        flags: ConnectFlags,
        reason_code: ReasonCode,
        properties: Properties | None,
    ) -> None:
        if not reason_code.is_failure:
            client.subscribe(self._topics.command, qos=1)

    def _on_subscribe(
        self,
        client: Client,
        userdata: object,
        mid: int,
        reason_codes: list[ReasonCode],
        properties: Properties | None,
    ) -> None:
        self.connected.set()

    def _on_disconnect(
        self,
        client: Client,
        userdata: object,
        flags: DisconnectFlags,
        reason_code: ReasonCode,
        properties: Properties | None,
    ) -> None:
        self.connected.clear()

    def _on_message(
        self, client: Client, userdata: object, message: MQTTMessage
    ) -> None:
        with self._lock:
            self.messages.append(
                (
                    time.monotonic(),
                    message.topic,
                    message.payload.decode(errors="replace"),
                )
            )
