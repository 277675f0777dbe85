"""Fixtures for the real-process tests: the browser tests, the newest-release smoke, real MQTT.

Home Assistant runs as a separate process (scripts/develop), so this folder
turns off the in-process harness fixtures of tests/conftest.py: no frozen
clock, no ``hass``. The tests run only when BACK_RECOVERY_E2E=1 (scripts/test
sets it in CI and for ``--e2e``) and are skipped, with the reason in the
summary, when that is unset (or, for the browser test, no browser can be had).
"""

from __future__ import annotations

from collections.abc import Generator
from contextlib import contextmanager, suppress
import importlib.util
import json
import os
from pathlib import Path
import shutil
import subprocess
import threading
from typing import Any, NoReturn

import pytest

from ..helpers.files import translations
from .instance import ARTIFACTS, HomeAssistantInstance, playwright_api
from .mqtt_plug import Listener, Mosquitto, SimulatedPlug

ENV_ENABLE = "BACK_RECOVERY_E2E"
ENV_BROWSER = "BACK_RECOVERY_CHROMIUM"
BROWSER_NAMES = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
)
# Keep Chromium quiet on a closed network: no update checks, sync or QUIC.
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# Bounded waits for a start, generous for a first start on a busy machine; each
# test's own timeout (pytest-timeout) is longer, so these speak first.
START_TIMEOUT = 420.0
# How long apt-get waits for the package manager's lock, in seconds.
APT_LOCK_TIMEOUT = 300
# How long the browser fixture waits for the threads Playwright leaves running.
THREAD_STOP_TIMEOUT = 10.0

_SKIPPED: list[str] = []


@pytest.fixture(autouse=True)
def frozen_clock() -> None:
    """Keep the real clock: Home Assistant and the browser run in real time."""


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> None:
    """Start no in-process Home Assistant: the test drives a real one."""


def _skip(reason: str) -> NoReturn:
    _SKIPPED.append(reason)
    pytest.skip(reason)


def _find_browser() -> str | None:
    if explicit := os.environ.get(ENV_BROWSER):
        if found := shutil.which(explicit):
            return found
        _skip(f"real-browser test: {ENV_BROWSER}={explicit} is no executable")
    for name in BROWSER_NAMES:
        if found := shutil.which(name):
            return found
    return None


def _install_browser() -> None:
    """Install Debian's chromium package (as root, where apt-get exists)."""
    _apt_install("chromium")


def _apt_install(package: str) -> None:
    """Install one of Debian's packages (as root, where apt-get exists).

    Waits for the package manager's lock (another test job may hold it); the
    output goes to tests/e2e/artifacts/apt-get.log.
    """
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        return
    ARTIFACTS.mkdir(exist_ok=True)
    lock_wait = ["-o", f"DPkg::Lock::Timeout={APT_LOCK_TIMEOUT}"]
    with (ARTIFACTS / "apt-get.log").open("ab") as log:
        for command in (
            ["apt-get", *lock_wait, "update"],
            [
                "apt-get",
                *lock_wait,
                "install",
                "-y",
                "--no-install-recommends",
                package,
            ],
        ):
            result = subprocess.run(  # noqa: S603
                command,
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
                timeout=600,
                check=False,
            )
            if result.returncode:
                return


@pytest.fixture(scope="session")
def e2e_enabled() -> None:
    """Skip the real-process tests unless they are asked for."""
    if os.environ.get(ENV_ENABLE) != "1":
        _skip(
            f"real-process tests off: set {ENV_ENABLE}=1 or run scripts/test --e2e"
            " (CI always runs them)"
        )


@pytest.fixture(scope="session")
def browser_path(e2e_enabled: None) -> str:
    """Return the Chromium to drive; skip when the test is off or none can be had."""
    if importlib.util.find_spec("playwright") is None:
        _skip(
            "real-browser test: playwright is not installed"
            " (pip install -r requirements_e2e.txt; scripts/test --e2e does it)"
        )
    if (path := _find_browser()) is None:
        _install_browser()
        path = _find_browser()
    if path is None:
        _skip(
            "real-browser test: no Chromium found and `apt-get install chromium`"
            f" failed or is not possible here; set {ENV_BROWSER} to a Chromium"
        )
    return path


def _find_mosquitto() -> str | None:
    """Return Debian's mosquitto (in /usr/sbin, often not on a user's PATH)."""
    return shutil.which("mosquitto") or shutil.which("mosquitto", path="/usr/sbin")


@pytest.fixture(scope="session")
def mosquitto_path(e2e_enabled: None) -> str:
    """Return the Mosquitto broker to run; install Debian's package if need be."""
    if (path := _find_mosquitto()) is None:
        _apt_install("mosquitto")
        path = _find_mosquitto()
    if path is None:
        _skip(
            "real MQTT test: no mosquitto found and `apt-get install mosquitto`"
            " failed or is not possible here"
        )
    return path


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Let fixtures see whether the test failed (for a last screenshot)."""
    report = yield
    item.stash.setdefault(_REPORTS, {})[report.when] = report
    return report


_REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()


def failed(request: pytest.FixtureRequest) -> bool:
    """Return whether the requesting test's call phase failed."""
    reports = request.node.stash.get(_REPORTS, {})
    return "call" in reports and reports["call"].failed


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say why the real-browser test did not run, above pytest's summary line."""
    for reason in dict.fromkeys(_SKIPPED):
        terminalreporter.write_line(f"e2e SKIPPED: {reason}", yellow=True)


@contextmanager
def running_instance(
    config_dir: Path,
    log_name: str,
    *,
    newest: bool = False,
    language: str | None = None,
) -> Generator[HomeAssistantInstance]:
    """Start the development configuration in a fresh folder, onboarded; stop it after.

    Every wait is bounded and says what it waited for when it expires; Home
    Assistant is stopped (Ctrl-C, then killed) whatever happens. One the test
    killed (``HomeAssistantInstance.kill``) owes no clean stop.
    """
    ARTIFACTS.mkdir(exist_ok=True)
    instance = HomeAssistantInstance(
        config_dir, ARTIFACTS / log_name, newest=newest, language=language
    )
    try:
        instance.start()
        instance.wait_started(START_TIMEOUT)
        instance.onboard()
        instance.wait_running(START_TIMEOUT)
        yield instance
    finally:
        returncode = instance.stop()
    assert returncode == 0 or (returncode is None and instance.killed), (
        f"no clean stop on Ctrl-C; see {instance.log_path}"
    )


@pytest.fixture
def home_assistant(
    browser_path: str, socket_enabled: None, tmp_path: Path
) -> Generator[HomeAssistantInstance]:
    """Start Home Assistant as the test harness pins it, for the browser test."""
    with running_instance(tmp_path / "config", "home-assistant.log") as instance:
        yield instance


@pytest.fixture
def german_home_assistant(
    browser_path: str, socket_enabled: None, tmp_path: Path
) -> Generator[HomeAssistantInstance]:
    """Start Home Assistant in German, for the German browser test."""
    with running_instance(
        tmp_path / "config", "home-assistant-de.log", language="de"
    ) as instance:
        yield instance


@pytest.fixture
def newest_home_assistant(
    e2e_enabled: None, socket_enabled: None, tmp_path: Path
) -> Generator[HomeAssistantInstance]:
    """Start the newest Home Assistant release (.venv-newest) for the REST smoke test."""
    with running_instance(
        tmp_path / "config", "home-assistant-newest.log", newest=True
    ) as instance:
        yield instance


@pytest.fixture
def mqtt_home_assistant(
    e2e_enabled: None,
    socket_enabled: None,
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> Generator[HomeAssistantInstance]:
    """Start Home Assistant as the test harness pins it, for the MQTT test."""
    with running_instance(
        tmp_path / "config", f"home-assistant-{_log_stem(request)}.log"
    ) as instance:
        yield instance


def _log_stem(request: pytest.FixtureRequest) -> str:
    """Return the test's name as a file name (parameters in brackets become -x)."""
    name: str = request.node.name
    return name.replace("[", "-").rstrip("]")


@pytest.fixture
def broker(
    mosquitto_path: str,
    socket_enabled: None,
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> Generator[Mosquitto]:
    """Start Mosquitto on a free loopback port; the test may kill and start it."""
    ARTIFACTS.mkdir(exist_ok=True)
    mosquitto = Mosquitto(
        mosquitto_path,
        tmp_path / "mosquitto",
        ARTIFACTS / f"mosquitto-{_log_stem(request)}.log",
    )
    mosquitto.start()
    try:
        yield mosquitto
    finally:
        mosquitto.kill()


@pytest.fixture
def mqtt_plug(broker: Mosquitto) -> Generator[SimulatedPlug]:
    """Prepare the simulated MQTT plug (2 s from its state to its subscription).

    The test starts it; it is stopped after the test, whatever happens.
    """
    plug = SimulatedPlug(broker.port, subscribe_delay=2.0)
    try:
        yield plug
    finally:
        plug.stop()


@pytest.fixture
def countdown_plug(broker: Mosquitto) -> Generator[SimulatedPlug]:
    """Prepare a simulated MQTT plug with its own countdown in seconds and its switch.

    Like ``mqtt_plug`` (2 s from its state to its subscription), plus the
    ``number`` Home Assistant sets and the ``switch`` that enables it (rule
    15). The test starts it; it is stopped after the test, whatever happens.
    """
    plug = SimulatedPlug(
        broker.port, subscribe_delay=2.0, countdown_unit="s", countdown_switch=True
    )
    try:
        yield plug
    finally:
        plug.stop()


@pytest.fixture
def command_listener(
    broker: Mosquitto, mqtt_plug: SimulatedPlug
) -> Generator[Listener]:
    """Record what reaches the plug's command topic, from before the plug is up."""
    listener = Listener(broker.port, mqtt_plug.topics)
    listener.start()
    try:
        yield listener
    finally:
        listener.stop()


@pytest.fixture
def browser(browser_path: str) -> Generator[Any]:
    """Start Chromium for the test; it is closed after it, whatever happens.

    Playwright's own event loop closes its default executor without waiting
    for the executor's thread, and the harness fails a test that leaves a
    thread running: the threads started meanwhile are awaited here (bounded).
    """
    sync_api = playwright_api()
    threads_before = frozenset(threading.enumerate())
    try:
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=browser_path, args=BROWSER_ARGS
            )
            try:
                yield browser
            finally:
                browser.close()
    finally:
        for thread in frozenset(threading.enumerate()) - threads_before:
            if not thread.daemon:
                thread.join(THREAD_STOP_TIMEOUT)


@contextmanager
def logged_in_page(
    browser: Any,
    home_assistant: HomeAssistantInstance,
    request: pytest.FixtureRequest,
    name: str,
    **context_options: Any,
) -> Generator[Any]:
    """Open a page in a new browser context, logged in as the onboarded owner.

    On a failed test its last view is saved as ``failure-<name>.png``.
    """
    tokens = json.dumps(home_assistant.browser_tokens())
    context = browser.new_context(**{"locale": "en-US", **context_options})
    try:
        # The frontend's stored login: no login form.
        context.add_init_script(
            f"window.localStorage.setItem('hassTokens', {json.dumps(tokens)});"
        )
        page = context.new_page()
        page.set_default_timeout(30_000)
        yield page
        if failed(request):
            with suppress(playwright_api().Error):
                page.screenshot(path=ARTIFACTS / f"failure-{name}.png")
    finally:
        context.close()


@pytest.fixture
def page(
    browser: Any,
    home_assistant: HomeAssistantInstance,
    request: pytest.FixtureRequest,
) -> Generator[Any]:
    """Open the frontend in a desktop window, logged in as the onboarded owner."""
    with logged_in_page(
        browser, home_assistant, request, "desktop", viewport=DESKTOP
    ) as page:
        yield page


@pytest.fixture
def phone(
    browser: Any,
    home_assistant: HomeAssistantInstance,
    request: pytest.FixtureRequest,
) -> Generator[Any]:
    """Open the frontend as on a phone (390x844, touch), logged in as the owner."""
    with logged_in_page(
        browser,
        home_assistant,
        request,
        "phone",
        viewport=PHONE,
        device_scale_factor=3,
        is_mobile=True,
        has_touch=True,
    ) as page:
        yield page


@pytest.fixture
def german_page(
    browser: Any,
    german_home_assistant: HomeAssistantInstance,
    request: pytest.FixtureRequest,
) -> Generator[Any]:
    """Open the frontend in German (a browser set to de-DE), logged in as the owner."""
    with logged_in_page(
        browser,
        german_home_assistant,
        request,
        "german",
        viewport=DESKTOP,
        locale="de-DE",
    ) as page:
        yield page


@pytest.fixture(scope="session")
def english() -> dict[str, Any]:
    """Return the integration's English texts."""
    return translations("en")
