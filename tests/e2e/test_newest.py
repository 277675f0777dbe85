"""Back Recovery on the newest Home Assistant release, in a real process, over REST.

The unit suite runs on the release the test harness pins (2026.10.4); the
harness cannot load newer ones. This test proves the integration on the newest
release (requirements_newest.txt, installed into .venv-newest): onboarding,
the config flow with the simulated plug, heat on through the action, the stop,
the refusal during the skin rest, and the unload with the plug off, and a log
with no error from the integration and no package installed at run time.
"""

from __future__ import annotations

from datetime import date, timedelta
import re
import time
from typing import Any
import urllib.error

import pytest

from .instance import PLUG, ROOT, HomeAssistantInstance, wait_for_state

PAD = "switch.back_recovery_heating_pad"
SESSION_ENDS = "sensor.back_recovery_session_ends"
SKIN_REST = "binary_sensor.back_recovery_skin_rest"

STATE_TIMEOUT = 15.0
"""How long the newest release may take to show a state, in seconds."""

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]


def newest_version() -> str:
    """Return the Home Assistant version requirements_newest.txt pins."""
    text = (ROOT / "requirements_newest.txt").read_text(encoding="utf-8")
    match = re.search(r"^homeassistant==(\S+)$", text, re.MULTILINE)
    assert match, "requirements_newest.txt pins no homeassistant"
    return match.group(1)


def call_refused(
    home_assistant: HomeAssistantInstance, domain: str, service: str, data: Any
) -> str:
    """Call an action that must be refused; return the refusal's message."""
    with pytest.raises(urllib.error.HTTPError) as refused:
        home_assistant.request("POST", f"/api/services/{domain}/{service}", data)
    assert refused.value.code == 400
    message: str = refused.value.read().decode()
    return message


def test_back_recovery_on_the_newest_release(
    newest_home_assistant: HomeAssistantInstance, english: dict[str, Any]
) -> None:
    """Set up, heat, stop, refuse and unload on the newest Home Assistant release."""
    ha = newest_home_assistant
    assert ha.version() == newest_version()

    flow = ha.request(
        "POST", "/api/config/config_entries/flow", {"handler": "back_recovery"}
    )
    assert (flow["type"], flow["step_id"]) == ("form", "user")
    created = ha.request(
        "POST",
        f"/api/config/config_entries/flow/{flow['flow_id']}",
        {
            "name": "Back recovery",
            "injury_date": (date.today() - timedelta(days=3)).isoformat(),
            "heating_pad": PLUG,
        },
    )
    assert created["type"] == "create_entry", created
    entry_id = created["result"]["entry_id"]
    entries = ha.request("GET", "/api/config/config_entries/entry?domain=back_recovery")
    assert [entry["state"] for entry in entries] == ["loaded"]
    wait_for_state(ha, PAD, "off", STATE_TIMEOUT)

    heat = {"config_entry_id": entry_id, "modality": "heat"}
    ha.request("POST", "/api/services/back_recovery/start_session", heat)
    wait_for_state(ha, PLUG, "on", STATE_TIMEOUT)
    wait_for_state(ha, PAD, "on", STATE_TIMEOUT)
    assert ha.state(SESSION_ENDS)["state"] not in ("unknown", "unavailable")

    ha.request(
        "POST",
        "/api/services/back_recovery/stop_session",
        {"config_entry_id": entry_id},
    )
    wait_for_state(ha, PLUG, "off", STATE_TIMEOUT)
    wait_for_state(ha, SKIN_REST, "on", STATE_TIMEOUT)

    rest_gap = english["exceptions"]["rest_gap_active"]["message"]
    before_placeholder = rest_gap.split("{", 1)[0]
    assert before_placeholder in call_refused(
        ha, "back_recovery", "start_session", heat
    )
    assert before_placeholder in call_refused(
        ha, "switch", "turn_on", {"entity_id": PAD}
    )
    time.sleep(1)
    assert ha.state(PLUG)["state"] == "off"

    removed = ha.request("DELETE", f"/api/config/config_entries/entry/{entry_id}")
    assert removed == {"require_restart": False}
    assert (
        ha.request("GET", "/api/config/config_entries/entry?domain=back_recovery") == []
    )
    assert ha.state(PLUG)["state"] == "off"

    log = ha.log_path.read_text(encoding="utf-8", errors="replace")
    problems = [
        line
        for line in log.splitlines()
        if ("ERROR" in line or "Traceback" in line) and "back_recovery" in line
    ]
    assert problems == [], f"errors from Back Recovery; see {ha.log_path}"
    installs = [line for line in log.splitlines() if "Attempting install of" in line]
    assert installs == [], (
        "Home Assistant installed packages at run time; scripts/setup --newest"
        f" should have (scripts/develop_requirements.py): {installs}"
    )
