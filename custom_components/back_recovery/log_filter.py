"""A refusal is expected behaviour, never an ERROR in Home Assistant's log.

Home Assistant's websocket API (every switch toggled in the frontend) logs a
``ServiceValidationError`` at ERROR, and its websocket and REST APIs log any
other ``HomeAssistantError`` of a service call at ERROR; Developer tools →
Actions runs an action as a script, which logs it at ERROR too. A filter on
those loggers takes this integration's own errors out and logs them again on
this module's logger: a refusal (``ServiceValidationError``) at DEBUG, a
heating pad plug that did not confirm a start at WARNING. Every other
integration's errors stay as they are.

Both loggers log inside the ``except`` block that caught the error, so the
filter reads the error from ``sys.exception()`` (or the record's
``exc_info``) and checks that the record says that error.
"""

from __future__ import annotations

import logging
import sys
from typing import Final, override

from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from .const import DOMAIN

_LOGGER = logging.getLogger(__name__)

SERVICE_CALL_LOGGERS: Final = (
    # websocket_api.http's connection logger (commands.handle_call_service).
    "homeassistant.components.websocket_api.http.connection",
    # The REST API (POST /api/services/<domain>/<service>).
    "homeassistant.components.api",
    # Developer tools → Actions runs the action as a one-step script
    # (websocket_api's execute_script), whose script logs the error first.
    "homeassistant.helpers.script.websocket_api_script",
)


def our_error(record: logging.LogRecord) -> HomeAssistantError | None:
    """Return this integration's error that ``record`` reports, if it reports one."""
    err = record.exc_info[1] if record.exc_info else sys.exception()
    if not isinstance(err, HomeAssistantError) or err.translation_domain != DOMAIN:
        return None
    if record.exc_info is None and str(err) not in record.getMessage():
        return None
    return err


class RefusalFilter(logging.Filter):
    """Takes this integration's errors out of a service-call logger, logging them here."""

    @override
    def filter(self, record: logging.LogRecord) -> bool:
        """Let every record through except one that reports our error."""
        if (err := our_error(record)) is None:
            return True
        if record.exc_info is None:
            # The traceback that goes with it (logged at DEBUG) is left out.
            _LOGGER.log(
                logging.DEBUG
                if isinstance(err, ServiceValidationError)
                else logging.WARNING,
                "Refused: %s",
                err,
            )
        return False


REFUSAL_FILTER: Final = RefusalFilter()


def install_refusal_filter() -> None:
    """Install the filter once; it stays for the process (adding it again adds nothing)."""
    for name in SERVICE_CALL_LOGGERS:
        logging.getLogger(name).addFilter(REFUSAL_FILTER)
