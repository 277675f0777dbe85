"""A real Home Assistant process from scripts/develop, and its HTTP API."""

from __future__ import annotations

from contextlib import closing, suppress
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
import importlib
import json
import os
from pathlib import Path
import shutil
import signal
import socket
import subprocess
import time
from typing import Any, Self
import urllib.error
import urllib.parse
import urllib.request

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).parent / "artifacts"
PLUG = "switch.heating_pad_plug"
"""The development configuration's simulated plug."""
DASHBOARD = "/back-recovery/back-recovery"
"""The ready dashboard's path in the development configuration."""
GERMAN_DASHBOARD = "/back-recovery-de/back-recovery"
"""The German ready dashboard's path in the development configuration."""
DEVELOP = ROOT / "scripts" / "develop"
CLIENT_ID = "http://127.0.0.1/"
USERNAME = "e2e"
PASSWORD = "back-recovery-e2e"
# One HTTP request; waits for a whole start are bounded separately.
REQUEST_TIMEOUT = 30.0
# What onboarding's steps wait for (see wait_started).
ONBOARDING_DOMAINS = ("person", "analytics")


def playwright_api() -> Any:
    """Return playwright.sync_api, imported only when the browser test runs.

    Playwright is installed for that test alone (requirements_e2e.txt), so the
    rest of the suite, and mypy, must not need it.
    """
    return importlib.import_module("playwright.sync_api")


def free_port() -> int:
    """Return a TCP port on the loopback interface that nothing listens on."""
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class HomeAssistantError(RuntimeError):
    """Home Assistant did not start or answered unexpectedly."""


class HomeAssistantInstance:
    """Home Assistant started by scripts/develop in its own configuration folder."""

    def __init__(
        self,
        config_dir: Path,
        log_path: Path,
        *,
        newest: bool = False,
        language: str | None = None,
    ) -> None:
        """Prepare an instance; nothing runs before ``start``.

        ``newest`` runs the newest Home Assistant release (.venv-newest)
        instead of the one the test harness pins; ``language`` sets Home
        Assistant's language (``homeassistant: language:`` in the YAML), as a
        person who chose it during onboarding has it.
        """
        self.config_dir = config_dir
        self.log_path = log_path
        self.newest = newest
        self.language = language
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.tokens: dict[str, Any] = {}
        self.killed = False
        """Whether the test killed this run (``kill``): no clean stop is owed."""
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Self:
        """Start Home Assistant."""
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Stop Home Assistant, whatever happened."""
        self.stop()

    def start(self) -> None:
        """Copy the development configuration and start scripts/develop."""
        self.killed = False
        self.config_dir.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / "config" / "configuration.yaml", self.config_dir)
        if self.language is not None:
            with (self.config_dir / "configuration.yaml").open("a") as config:
                config.write(f"\nhomeassistant:\n  language: {self.language}\n")
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        # Home Assistant runs outside coverage: the browser test adds nothing to
        # the integration's coverage figure.
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("COV_CORE_", "COVERAGE_"))
        }
        with self.log_path.open("wb") as log:
            self._process = subprocess.Popen(  # noqa: S603
                [
                    str(DEVELOP),
                    "--config",
                    str(self.config_dir),
                    "--port",
                    str(self.port),
                    *(["--newest"] if self.newest else []),
                ],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,
            )

    def stop(self, timeout: float = 60) -> int | None:
        """Stop Home Assistant as Ctrl-C does; kill it if it does not stop in time."""
        if (process := self._process) is None:
            return None
        self._process = None
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        # The process group may still hold a helper that outlived the shell.
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        return process.returncode

    def kill(self) -> int:
        """Kill Home Assistant (SIGKILL) as a crash does: no stop event, no final save.

        The whole process group goes (``hass`` and the banner's helper);
        returns once the process is reaped, with its id. ``stop`` after it
        does nothing; ``start_again`` starts it on the same folder.
        """
        process = self._process
        assert process is not None, "Home Assistant does not run"
        self._process = None
        self.killed = True
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        return process.pid

    @property
    def running(self) -> bool:
        """Whether the Home Assistant process started by ``start`` still runs."""
        return self._process is not None and self._process.poll() is None

    def start_again(self, timeout: float) -> float:
        """Start the stopped instance on its folder again; wait until RUNNING.

        The folder is onboarded already: the tokens from ``onboard`` still
        hold. The log of the run before is kept beside (``*.before.log``).
        Returns the seconds until Home Assistant reported RUNNING.
        """
        assert self._process is None, "Home Assistant runs already"
        shutil.copy(self.log_path, self.log_path.with_suffix(".before.log"))
        self.start()
        return self.wait_running(timeout)

    def _check_alive(self) -> None:
        if self._process is None or self._process.poll() is not None:
            raise HomeAssistantError(
                f"Home Assistant exited early; see {self.log_path}"
            )

    def request(
        self,
        method: str,
        path: str,
        data: dict[str, Any] | None = None,
        *,
        form: bool = False,
        auth: bool = True,
        timeout: float = REQUEST_TIMEOUT,
    ) -> Any:
        """Send one HTTP request and return the decoded JSON answer."""
        headers = {}
        body: bytes | None = None
        if data is not None:
            if form:
                body = urllib.parse.urlencode(data).encode()
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            else:
                body = json.dumps(data).encode()
                headers["Content-Type"] = "application/json"
        if auth:
            headers["Authorization"] = f"Bearer {self.tokens['access_token']}"
        req = urllib.request.Request(
            self.url + path, data=body, headers=headers, method=method
        )
        with urllib.request.urlopen(req, timeout=timeout) as response:  # noqa: S310
            raw = response.read()
        return json.loads(raw) if raw else None

    def wait_started(self, timeout: float) -> float:
        """Wait until onboarding can run at once; return the seconds it took.

        Before onboarding there is no user, so the authenticated state in
        /api/config cannot be read yet. Onboarding's own unauthenticated wait
        view answers once an integration is set up: the steps wait for
        ``person`` (the user step) and ``analytics`` (the core config step),
        which a first start sets up only after it has installed what they
        need. Each request is bounded; the whole wait is bounded by ``timeout``.
        """
        start = time.monotonic()
        pending = list(ONBOARDING_DOMAINS)
        last = "no answer yet"
        while (elapsed := time.monotonic() - start) < timeout:
            self._check_alive()
            try:
                answer = self.request(
                    "POST",
                    "/api/onboarding/integration/wait",
                    {"domain": pending[0]},
                    auth=False,
                    timeout=max(1.0, min(REQUEST_TIMEOUT, timeout - elapsed)),
                )
            except urllib.error.HTTPError as err:
                last = f"HTTP {err.code} from the onboarding wait view"
            except OSError as err:  # not listening yet, or the request timed out
                last = str(err) or type(err).__name__
            else:
                if answer.get("integration_loaded"):
                    pending.pop(0)
                    if not pending:
                        return time.monotonic() - start
                    continue
                last = f"{pending[0]} is not set up (yet)"
            time.sleep(0.5)
        raise HomeAssistantError(
            f"Home Assistant did not finish starting within {timeout:.0f} s"
            f" (last: {last}); see {self.log_path}"
        )

    def onboard(self) -> None:
        """Finish onboarding through its API, as the frontend's wizard does."""
        answer = self.request(
            "POST",
            "/api/onboarding/users",
            {
                "client_id": CLIENT_ID,
                "name": "Test Person",
                "username": USERNAME,
                "password": PASSWORD,
                "language": "en",
            },
            auth=False,
        )
        self.tokens = self.request(
            "POST",
            "/auth/token",
            {
                "grant_type": "authorization_code",
                "code": answer["auth_code"],
                "client_id": CLIENT_ID,
            },
            form=True,
            auth=False,
        )
        self.request("POST", "/api/onboarding/core_config", {})
        self.request("POST", "/api/onboarding/analytics", {})
        self.request(
            "POST",
            "/api/onboarding/integration",
            {"client_id": CLIENT_ID, "redirect_uri": f"{CLIENT_ID}?auth_callback=1"},
        )

    def wait_running(self, timeout: float) -> float:
        """Wait until Home Assistant reports RUNNING; return the seconds it took."""
        start = time.monotonic()
        last = "no answer yet"
        while time.monotonic() - start < timeout:
            self._check_alive()
            try:
                last = self.request("GET", "/api/config")["state"]
            except OSError as err:
                last = str(err) or type(err).__name__
            if last == "RUNNING":
                return time.monotonic() - start
            time.sleep(0.5)
        raise HomeAssistantError(
            f"Home Assistant did not report RUNNING within {timeout:.0f} s"
            f" (last: {last}); see {self.log_path}"
        )

    def version(self) -> str:
        """Return the running Home Assistant's version."""
        version: str = self.request("GET", "/api/config")["version"]
        return version

    def state(self, entity_id: str) -> dict[str, Any]:
        """Return an entity's state object."""
        answer: dict[str, Any] = self.request("GET", f"/api/states/{entity_id}")
        return answer

    def browser_tokens(self) -> dict[str, Any]:
        """Return the frontend's stored-login record for this instance."""
        return {
            **self.tokens,
            "hassUrl": self.url,
            "clientId": CLIENT_ID,
            "expires": int(time.time() * 1000) + self.tokens["expires_in"] * 1000,
        }


def wait_for_state(
    home_assistant: HomeAssistantInstance,
    entity_id: str,
    state: str,
    timeout: float = 10,
) -> None:
    """Wait until an entity has a state, as the REST API reports it.

    An entity the state machine does not have yet (HTTP 404) is waited for
    like any other state; when the time is up, the message lists the
    entities of the domain that do exist and the end of Home Assistant's log.
    """
    deadline = time.monotonic() + timeout
    while (current := _state_or_missing(home_assistant, entity_id)) != state:
        if time.monotonic() >= deadline:
            domain = entity_id.split(".", 1)[0]
            present = sorted(
                item["entity_id"]
                for item in home_assistant.request("GET", "/api/states")
                if item["entity_id"].startswith(f"{domain}.")
            )
            log_tail = home_assistant.log_path.read_text(errors="replace")[-4000:]
            raise AssertionError(
                f"{entity_id} is {current}, not {state}; {domain} entities:"
                f" {present}; the log ends:\n{log_tail}"
            )
        time.sleep(0.2)


def _state_or_missing(home_assistant: HomeAssistantInstance, entity_id: str) -> str:
    """Return an entity's state, or ``missing`` while the state machine lacks it."""
    try:
        state: str = home_assistant.state(entity_id)["state"]
    except urllib.error.HTTPError as err:
        if err.code != HTTPStatus.NOT_FOUND:
            raise
        return "missing"
    return state


def add_recovery(
    home_assistant: HomeAssistantInstance,
    days_ago: int = 3,
    *,
    heating_pad: str = PLUG,
    plug_auto_off: str | None = None,
    plug_auto_off_switch: str | None = None,
) -> str:
    """Add a recovery through the config flow's API; return its entry id.

    The injury was ``days_ago`` days before today (UTC); the heating pad is
    the development configuration's simulated plug unless ``heating_pad``
    names another switch. ``plug_auto_off`` and ``plug_auto_off_switch`` are
    the form's optional fields for the plug's own auto-off (rule 15).
    """
    backstop = {
        key: value
        for key, value in (
            ("plug_auto_off", plug_auto_off),
            ("plug_auto_off_switch", plug_auto_off_switch),
        )
        if value is not None
    }
    flow = home_assistant.request(
        "POST", "/api/config/config_entries/flow", {"handler": "back_recovery"}
    )
    injured = datetime.now(UTC).date() - timedelta(days=days_ago)
    result = home_assistant.request(
        "POST",
        f"/api/config/config_entries/flow/{flow['flow_id']}",
        {
            "name": "Back recovery",
            "injury_date": injured.isoformat(),
            "heating_pad": heating_pad,
            **backstop,
        },
    )
    assert result["type"] == "create_entry", result
    entry_id: str = result["result"]["entry_id"]
    return entry_id


def shot(page: Any, name: str) -> None:
    """Save a screenshot of the whole window under tests/e2e/artifacts/."""
    page.screenshot(path=ARTIFACTS / f"{name}.png")
