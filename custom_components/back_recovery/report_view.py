"""The clinician report, served by Home Assistant's own web server (contract "The clinician report").

``GET /api/back_recovery/report/<entry id>`` is the printable page,
``.../<entry id>.csv`` the same period as CSV. Query: ``days`` (7 to 365,
default 56), ``end`` (the period's last local date, default today),
``question``, ``notes=1`` (the notes too). Home Assistant authenticates
the request (a bearer token, or a path signed by ``create_report``, 24
hours); the view refuses one it did not authenticate before anything else
(a signed link that no longer opens gets a translated page, not a failed
login: ``ReportView``), then lets through:

- an administrator (Home Assistant has no per-entry permissions: a
  recovery belongs to the household's administrators, as diagnostics do);
- a path ``create_report`` signed for an automation (Home Assistant's own
  content user signs it then; no person can sign with that user).

Anyone else gets 403 before anything about the entry is looked at (a
non-administrator learns nothing, not even whether the entry exists). An
unknown or unloaded entry is 404, a period the report cannot cover 400;
each with a short page in Home Assistant's language. A snapshot of the
recovery is copied on the event loop (well under a millisecond); the model
and the page are made in the executor, so the loop is never held by the
rendering (tests/perf: a year's report).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from functools import partial
from html import escape
from http import HTTPStatus
import logging
import time
from typing import Final
from urllib.parse import urlencode

from aiohttp import hdrs, web
import jwt
from yarl import URL

from homeassistant.auth.models import User
from homeassistant.components.http.auth import (
    SIGN_QUERY_PARAM,
    STORAGE_KEY as HTTP_AUTH_KEY,
    async_sign_path,
)
from homeassistant.components.http.const import KEY_HASS_REFRESH_TOKEN_ID, KEY_HASS_USER
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers.http import KEY_AUTHENTICATED, KEY_HASS, HomeAssistantView
from homeassistant.util import dt as dt_util

from .const import DOMAIN
from .data import BackRecoveryConfigEntry
from .engine import CONFIRM_SECONDS, RecoveryEngine
from .report import (
    DEFAULT_DAYS,
    ReportPeriod,
    ReportRefusal,
    ReportRefusedError,
    ReportRequest,
    ReportSection,
    ReportSource,
    SectionData,
    build_model,
    render_csv,
    render_html,
    report_period,
)
from .texts import Texts, async_load_texts

_LOGGER = logging.getLogger(__name__)

REPORT_PATH: Final = "/api/back_recovery/report"
CSV_SUFFIX: Final = ".csv"
QUERY_DAYS: Final = "days"
QUERY_END: Final = "end"
QUERY_QUESTION: Final = "question"
QUERY_NOTES: Final = "notes"
NOT_ALLOWED: Final = "report_not_allowed"
UNKNOWN_ENTRY: Final = "report_unknown_entry"
BAD_REQUEST: Final = "report_bad_request"
LINK_INVALID: Final = "report_link_invalid"
LINK_VALID: Final = timedelta(hours=24)
"""How long a report link opens (contract "The clinician report")."""

SECURITY_HEADERS: Final = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
        "frame-ancestors 'self'"
    ),
}
"""No cache keeps health data, no link leaks the signed path, no script runs."""


def report_path(entry_id: str, csv: bool = False) -> str:
    """Return the report's path for an entry: the page, or its CSV."""
    return f"{REPORT_PATH}/{entry_id}{CSV_SUFFIX if csv else ''}"


def sign_link(
    hass: HomeAssistant,
    entry_id: str,
    params: Mapping[str, str],
    valid: timedelta = LINK_VALID,
    *,
    csv: bool = False,
    refresh_token_id: str | None = None,
) -> str:
    """Return the report's path with ``params``, signed for ``valid`` (``async_sign_path``).

    Signed for ``refresh_token_id``, or (``None``) the caller's login, or Home
    Assistant's content user for an automation. The query is returned
    encoded (Home Assistant returns it decoded): a link in a message is one word.
    """
    signed = URL(
        async_sign_path(
            hass,
            f"{report_path(entry_id, csv)}?{urlencode(params)}",
            valid,
            refresh_token_id=refresh_token_id,
        )
    )
    return f"{signed.raw_path}?{signed.raw_query_string}"


def csv_link(hass: HomeAssistant, request: web.Request, entry_id: str) -> str:
    """Return the CSV of the page asked for, signed for the same login (and, for a signed page, until it expires).

    Only called for a request Home Assistant authenticated: a signed page's
    signature was verified, so its expiry (``exp``, seconds since the epoch)
    is read without verifying it again.
    """
    params = {
        key: value for key, value in request.query.items() if key != SIGN_QUERY_PARAM
    }
    valid = LINK_VALID
    if (signature := request.query.get(SIGN_QUERY_PARAM)) is not None:
        claims = jwt.decode(signature, options={"verify_signature": False})
        valid = timedelta(seconds=max(1, int(claims["exp"]) - int(time.time())))
    return sign_link(
        hass,
        entry_id,
        params,
        valid,
        csv=True,
        refresh_token_id=request.get(KEY_HASS_REFRESH_TOKEN_ID),
    )


def may_open(hass: HomeAssistant, user: User, refresh_token_id: str | None) -> bool:
    """Whether the request's user may open a report: an administrator, or a path signed for an automation."""
    return user.is_admin or (
        refresh_token_id is not None
        and refresh_token_id == hass.data.get(HTTP_AUTH_KEY)
    )


def read_request(query: web.Request) -> ReportRequest:
    """Read the query into a request; raises ``ValueError`` for a malformed value."""
    params = query.query
    days = int(params.get(QUERY_DAYS, DEFAULT_DAYS))
    end = params.get(QUERY_END)
    return ReportRequest(
        days=days,
        last=date.fromisoformat(end) if end else None,
        question=params.get(QUERY_QUESTION, ""),
        include_notes=params.get(QUERY_NOTES) == "1",
    )


def report_source(
    engine: RecoveryEngine, entry: BackRecoveryConfigEntry, period: ReportPeriod
) -> ReportSource:
    """Copy what the report needs from the recovery (on the event loop; immutable values only)."""
    state = engine.state
    refusal = state.last_refusal
    sections: list[SectionData | None] = []
    for part in engine.records.parts:
        if not isinstance(part, ReportSection):
            continue
        try:
            sections.append(part.report_section(period))
        except Exception:
            _LOGGER.exception("The report section of %s failed; it is left out", part)
    return ReportSource(
        title=entry.title,
        now=dt_util.utcnow(),
        today=dt_util.now().date(),
        schedule=state.schedule,
        pain_entries=engine.pain_entries(),
        sessions=tuple(engine.sessions_between(period.start, period.end)),
        switch_off_owed=state.switch_off_owed,
        last_refusal=(refusal.reason, refusal.at) if refusal is not None else None,
        late_off=timedelta(seconds=CONFIRM_SECONDS),
        oldest_session=engine.sessions_dropped_before(),
        sections=tuple(sections),
    )


def render(
    source: ReportSource,
    request: ReportRequest,
    period: ReportPeriod,
    *,
    texts: Texts,
    language: str,
    csv: bool,
    csv_href: str | None = None,
) -> str:
    """Make the model and the page (or the CSV): pure, for the executor."""
    model = build_model(source, request, period)
    if csv:
        return render_csv(model)
    return render_html(model, texts, language, csv_href=csv_href)


class ReportView(HomeAssistantView):
    """The clinician report of one recovery, as a page or CSV (logged-in or signed).

    ``requires_auth`` is off so that a signed link that no longer opens
    (altered or expired) gets a translated page instead of Home Assistant's
    "401: Unauthorized" and a "Login attempt failed" notification: the view
    checks ``KEY_AUTHENTICATED`` itself, first. A request without a signature,
    or with an ``Authorization`` header that did not authenticate, is refused
    as Home Assistant refuses it (``HTTPUnauthorized``: counted as a failed
    login, towards an IP ban).
    """

    url = f"{REPORT_PATH}/{{entry_id}}"
    name = "api:back_recovery:report"
    requires_auth = False

    async def get(self, request: web.Request, entry_id: str) -> web.Response:
        """Return the report, or a short error in Home Assistant's language.

        Raises ``HTTPUnauthorized`` for a request that is neither logged in
        nor signed (as Home Assistant's own views do).
        """
        hass = request.app[KEY_HASS]
        language = hass.config.language
        if not request.get(KEY_AUTHENTICATED, False):
            if (
                SIGN_QUERY_PARAM not in request.query
                or hdrs.AUTHORIZATION in request.headers
            ):
                raise web.HTTPUnauthorized
            texts = await async_load_texts(hass)
            return _error(HTTPStatus.UNAUTHORIZED, LINK_INVALID, texts, language)
        texts = await async_load_texts(hass)
        csv = entry_id.endswith(CSV_SUFFIX)
        entry_id = entry_id.removesuffix(CSV_SUFFIX)
        if not may_open(
            hass, request[KEY_HASS_USER], request.get(KEY_HASS_REFRESH_TOKEN_ID)
        ):
            return _error(HTTPStatus.FORBIDDEN, NOT_ALLOWED, texts, language)
        entry: BackRecoveryConfigEntry | None = hass.config_entries.async_get_entry(
            entry_id
        )
        if (
            entry is None
            or entry.domain != DOMAIN
            or entry.state is not ConfigEntryState.LOADED
        ):
            return _error(HTTPStatus.NOT_FOUND, UNKNOWN_ENTRY, texts, language)
        engine = entry.runtime_data.engine
        try:
            asked = read_request(request)
            period = report_period(
                asked,
                engine.state.schedule.injury_date,
                dt_util.now().date(),
                dt_util.get_default_time_zone(),
            )
        except ValueError:
            return _error(HTTPStatus.BAD_REQUEST, BAD_REQUEST, texts, language)
        except ReportRefusedError as err:
            return _error(HTTPStatus.BAD_REQUEST, err.reason, texts, language)
        source = report_source(engine, entry, period)
        body = await hass.async_add_executor_job(
            partial(
                render,
                source,
                asked,
                period,
                texts=texts,
                language=language,
                csv=csv,
                csv_href=None if csv else csv_link(hass, request, entry_id),
            )
        )
        headers = dict(SECURITY_HEADERS)
        if csv:
            name = f"back-recovery-{period.first}-{period.last}.csv"
            headers["Content-Disposition"] = f'attachment; filename="{name}"'
        return web.Response(
            text=body,
            content_type="text/csv" if csv else "text/html",
            charset="utf-8",
            headers=headers,
        )


def _error(
    status: HTTPStatus, key: str | ReportRefusal, texts: Texts, language: str
) -> web.Response:
    """Return a short page with the error in Home Assistant's language (nothing about the entry)."""
    message = escape(texts.get(str(key), str(key)), quote=False)
    title = escape(texts.get("report_title", "report_title"), quote=False)
    return web.Response(
        status=status,
        text=(
            f'<!DOCTYPE html><html lang="{escape(language)}"><head>'
            '<meta charset="utf-8"><meta name="robots" content="noindex">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{title}</title></head><body><p>{message}</p></body></html>\n"
        ),
        content_type="text/html",
        charset="utf-8",
        headers={**SECURITY_HEADERS, "Content-Language": language},
    )
