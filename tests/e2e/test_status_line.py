"""The dashboard's status line in a real browser: ready, heat on, unplug, skin resting.

Issue 22: what a person wants to know first, in one line, at the top of the
dashboard: may I use the heating pad now, and if not, when; is heat on, and
until when. Read from the rendered markdown card on a desktop window and a
390-pixel phone, in English and in German; each state's screenshot goes to
tests/e2e/artifacts/ (``status-<language>-<state>-<desktop|phone>.png``), from
where the README's pictures in docs/images/status/ are copied (halved and
reduced to 128 colours).
"""

from __future__ import annotations

from collections.abc import Generator
from contextlib import suppress
from pathlib import Path
import re
from typing import Any
import urllib.error

import pytest

from .conftest import logged_in_page, running_instance
from .instance import (
    DASHBOARD,
    PLUG,
    HomeAssistantInstance,
    add_recovery,
    shot,
    wait_for_state,
)
from .navigation import open_page

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(420)]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
LANGUAGES: dict[str, dict[str, Any]] = {
    "en": {
        "dashboard": DASHBOARD,
        "locale": "en-US",
        "problem": "binary_sensor.back_recovery_heating_pad_switch_off",
        "skin_rest": "binary_sensor.back_recovery_skin_rest",
        "lines": {
            "ready": r"^Ready: heat or ice allowed now$",
            "heat": r"^Heat on: off at \d{1,2}:\d\d [AP]M \((20|19) minutes left\)$",
            "unplug": r"^Unplug the heating pad: it does not switch off$",
            "rest": r"^Skin resting: heat allowed again at \d{1,2}:\d\d [AP]M$",
        },
    },
    "de": {
        "dashboard": "/back-recovery-de/back-recovery",
        "locale": "de-DE",
        "problem": "binary_sensor.back_recovery_ausschalten_des_heizkissens",
        "skin_rest": "binary_sensor.back_recovery_hautruhe",
        "lines": {
            "ready": r"^Bereit: Wärme oder Kälte jetzt erlaubt$",
            "heat": r"^Wärme an: aus um \d\d:\d\d \(noch (20|19) Minuten\)$",
            "unplug": r"^Heizkissen ausstecken: Es schaltet nicht aus$",
            "rest": r"^Hautruhe: Wärme wieder erlaubt um \d\d:\d\d$",
        },
    },
}


@pytest.fixture(params=sorted(LANGUAGES))
def language(request: pytest.FixtureRequest) -> str:
    """Each language a dashboard ships in."""
    value: str = request.param
    return value


@pytest.fixture
def instance(
    browser_path: str, socket_enabled: None, tmp_path: Path, language: str
) -> Generator[HomeAssistantInstance]:
    """Home Assistant in ``language`` (its entity ids follow it)."""
    with running_instance(
        tmp_path / "config",
        f"home-assistant-status-{language}.log",
        language=None if language == "en" else language,
    ) as started:
        yield started


def status_line(page: Any) -> str:
    """Return the status line's text, as the markdown card renders it (in its shadow DOM)."""
    alert = page.locator("hui-markdown-card ha-alert").first
    alert.wait_for()
    text: str = alert.inner_text()
    return " ".join(text.split())


def service(
    home_assistant: HomeAssistantInstance,
    domain: str,
    action: str,
    data: dict[str, Any],
) -> None:
    """Call an action through the REST API."""
    home_assistant.request("POST", f"/api/services/{domain}/{action}", data)


def test_status_line_in_each_state(
    browser: Any,
    instance: HomeAssistantInstance,
    request: pytest.FixtureRequest,
    language: str,
) -> None:
    """Ready, heat on until, unplug while the plug ignores the switch-off, then skin resting until."""
    setting = LANGUAGES[language]
    entry_id = add_recovery(instance)
    with (
        logged_in_page(
            browser,
            instance,
            request,
            f"status-{language}-desktop",
            viewport=DESKTOP,
            locale=setting["locale"],
        ) as desktop,
        logged_in_page(
            browser,
            instance,
            request,
            f"status-{language}-phone",
            viewport=PHONE,
            device_scale_factor=3,
            is_mobile=True,
            has_touch=True,
            locale=setting["locale"],
        ) as phone,
    ):
        pages = {"desktop": desktop, "phone": phone}

        def check(state: str) -> None:
            pattern = re.compile(setting["lines"][state])
            for kind, page in pages.items():
                open_page(page, instance.url + setting["dashboard"])
                line = status_line(page)
                for _ in range(40):
                    if pattern.search(line):
                        break
                    page.wait_for_timeout(250)
                    line = status_line(page)
                assert pattern.search(line), f"{kind}: {line!r}"
                shot(page, f"status-{language}-{state}-{kind}")

        check("ready")
        service(
            instance,
            "back_recovery",
            "start_session",
            {"config_entry_id": entry_id, "modality": "heat", "minutes": 20},
        )
        wait_for_state(instance, PLUG, "on")
        check("heat")

        # The plug ignores the switch-off: heat stays on the skin.
        service(
            instance,
            "input_boolean",
            "turn_on",
            {"entity_id": "input_boolean.heating_pad_ignores_commands"},
        )
        # Stop answers heating_pad_not_responding (contract: the truth while
        # the pad heats) and keeps retrying.
        with suppress(urllib.error.HTTPError):
            service(
                instance,
                "back_recovery",
                "stop_session",
                {"config_entry_id": entry_id},
            )
        wait_for_state(instance, setting["problem"], "on", timeout=30)
        check("unplug")

        # It obeys again: the retry switches it off, and the skin rests.
        service(
            instance,
            "input_boolean",
            "turn_off",
            {"entity_id": "input_boolean.heating_pad_ignores_commands"},
        )
        wait_for_state(instance, PLUG, "off", timeout=60)
        wait_for_state(instance, setting["skin_rest"], "on", timeout=60)
        check("rest")
