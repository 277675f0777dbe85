"""Action ``back_recovery.create_report``: a link to the clinician report, valid for 24 hours.

The link is a path signed by Home Assistant (``async_sign_path``, as its
camera and media links are): its query (the period, the question, whether
notes are in it) is part of the signature, so an altered link is refused,
and so is one older than 24 hours. It is signed for the caller's login; an
automation's for Home Assistant's content user (``report_view.may_open``).
Only an administrator may ask for one (a non-administrator's call is
refused with ``Unauthorized``). With ``notify`` the link goes to the
recovery's notify targets through its reminders (not to voice satellites);
nothing is sent outside Home Assistant but what those targets send.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import partial
from typing import Final

import voluptuous as vol

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import ServiceValidationError, Unauthorized
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.network import NoURLAvailableError, get_url
from homeassistant.util import dt as dt_util

from .const import ATTR_CONFIG_ENTRY_ID, DOMAIN
from .data import BackRecoveryConfigEntry
from .report import DEFAULT_DAYS, MAX_DAYS, MIN_DAYS, QUESTION_MAX_LENGTH
from .report_view import (
    LINK_VALID,
    QUERY_DAYS,
    QUERY_END,
    QUERY_NOTES,
    QUERY_QUESTION,
    ReportView,
    sign_link,
)

SERVICE_CREATE_REPORT: Final = "create_report"
ATTR_DAYS: Final = "days"
ATTR_QUESTION: Final = "question"
ATTR_INCLUDE_NOTES: Final = "include_notes"
ATTR_NOTIFY: Final = "notify"
ATTR_URL: Final = "url"
ATTR_PATH: Final = "path"
ATTR_EXPIRES: Final = "expires"
ATTR_CSV_URL: Final = "csv_url"
ATTR_CSV_PATH: Final = "csv_path"
REMINDER_REPORT: Final = "report_ready"

CREATE_REPORT_SCHEMA: Final = vol.Schema(
    {
        vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string,
        # A number, not cut to a whole one: ``_whole_days`` refuses a fraction.
        vol.Optional(ATTR_DAYS, default=DEFAULT_DAYS): vol.All(
            vol.Coerce(float), vol.Range(min=MIN_DAYS, max=MAX_DAYS)
        ),
        vol.Optional(ATTR_QUESTION, default=""): vol.All(
            cv.string, vol.Length(max=QUESTION_MAX_LENGTH)
        ),
        vol.Optional(ATTR_INCLUDE_NOTES, default=False): cv.boolean,
        vol.Optional(ATTR_NOTIFY, default=False): cv.boolean,
    }
)


def sign_report_link(
    hass: HomeAssistant,
    entry_id: str,
    days: int,
    question: str = "",
    include_notes: bool = False,
    *,
    end: date | None = None,
    csv: bool = False,
) -> tuple[str, datetime]:
    """Return the signed path of the report page (or its CSV) and when it stops opening (24 hours).

    The period's last date (``end``, default today) is in the link, so the
    link shows the same period on any day it opens.
    """
    params: dict[str, str] = {
        QUERY_DAYS: str(days),
        QUERY_END: (end or dt_util.now().date()).isoformat(),
    }
    if question:
        params[QUERY_QUESTION] = question
    if include_notes:
        params[QUERY_NOTES] = "1"
    path = sign_link(hass, entry_id, params, csv=csv)
    return path, dt_util.utcnow() + LINK_VALID


def absolute(hass: HomeAssistant, path: str) -> str:
    """Return ``path`` on Home Assistant's own address, or the path when none is known."""
    try:
        return f"{get_url(hass)}{path}"
    except NoURLAvailableError:
        return path


async def _async_check_admin(call: ServiceCall) -> None:
    """Refuse a non-administrator (``Unauthorized``); an automation's call has no user."""
    if (user_id := call.context.user_id) is None:
        return
    user = await call.hass.auth.async_get_user(user_id)
    if user is None or not user.is_admin:
        raise Unauthorized(
            context=call.context, config_entry_id=call.data[ATTR_CONFIG_ENTRY_ID]
        )


def _whole_days(days: float) -> int:
    """Return ``days`` as a whole number; ``ServiceValidationError`` (``report_days_not_whole``) for 7.5."""
    if not days.is_integer():
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="report_days_not_whole",
            translation_placeholders={ATTR_DAYS: f"{days:g}"},
        )
    return int(days)


def _entry(call: ServiceCall) -> BackRecoveryConfigEntry:
    """Return the loaded recovery the call names; ``entry_not_loaded`` otherwise."""
    entry_id: str = call.data[ATTR_CONFIG_ENTRY_ID]
    entry: BackRecoveryConfigEntry | None = call.hass.config_entries.async_get_entry(
        entry_id
    )
    if (
        entry is None
        or entry.domain != DOMAIN
        or entry.state is not ConfigEntryState.LOADED
    ):
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="entry_not_loaded",
            translation_placeholders={ATTR_CONFIG_ENTRY_ID: entry_id},
        )
    return entry


async def _async_create_report(call: ServiceCall) -> ServiceResponse:
    """Return the report's links (``url``, ``path``, ``csv_url``, ``csv_path``, ``expires``); send the page's if asked."""
    await _async_check_admin(call)
    entry = _entry(call)
    link = partial(
        sign_report_link,
        call.hass,
        entry.entry_id,
        _whole_days(call.data[ATTR_DAYS]),
        call.data[ATTR_QUESTION],
        call.data[ATTR_INCLUDE_NOTES],
        end=dt_util.now().date(),
    )
    path, expires = link()
    csv_path, _ = link(csv=True)
    url = absolute(call.hass, path)
    if call.data[ATTR_NOTIFY]:
        entry.runtime_data.engine.reminders.send(
            REMINDER_REPORT, {"url": url, "until": expires}, speak=False
        )
    return {
        ATTR_URL: url,
        ATTR_PATH: path,
        ATTR_CSV_URL: absolute(call.hass, csv_path),
        ATTR_CSV_PATH: csv_path,
        ATTR_EXPIRES: expires.isoformat(),
    }


@callback
def async_setup_report(hass: HomeAssistant) -> None:
    """Serve the report and register ``create_report`` (once, in ``async_setup``)."""
    hass.http.register_view(ReportView())
    hass.services.async_register(
        DOMAIN,
        SERVICE_CREATE_REPORT,
        _async_create_report,
        schema=CREATE_REPORT_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
