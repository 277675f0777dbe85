"""The clinician report, as a person and their doctor see it: the page, the CSV, the link (issue 25).

Through Home Assistant's own web server (its HTTP test client): a logged-in
administrator, a link signed by ``create_report`` (24 hours; an expired or
altered one refused), a user who is no administrator, an unknown entry, a
period before the injury date. The contract's section "The clinician report".
"""

from __future__ import annotations

import csv
from datetime import date, datetime, timedelta
import io
import re
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    CLIENT_ID,
    MockConfigEntry,
    MockUser,
    async_mock_service,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.back_recovery.const import CONF_NOTIFY_ENTITIES, DOMAIN
from custom_components.back_recovery.report import (
    CSV_COLUMNS,
    ReportPeriod,
    ReportRow,
    SectionData,
    SectionTable,
)
from homeassistant.auth.const import GROUP_ID_USER
from homeassistant.components.http.auth import async_sign_path
from homeassistant.components.persistent_notification import (
    _async_get_or_create_notifications,
)
from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import ServiceValidationError, Unauthorized
from homeassistant.util import dt as dt_util

from .helpers.clock import advance, local
from .helpers.ha import ENTRY_ID, INJURY_DATE, action, log_pain, turn_review_on

REPORT = f"/api/back_recovery/report/{ENTRY_ID}"
NOTE = "<script>alert(1)</script> after the walk"
PHONE = "notify.phone"


@pytest.fixture
def entry_options(entry_options: dict[str, Any]) -> dict[str, Any]:
    """Send reminders to one phone."""
    return {**entry_options, CONF_NOTIFY_ENTITIES: [PHONE]}


@pytest.fixture
async def recovery(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> MockConfigEntry:
    """Return the recovery 43 days after the injury: a review recommended, a note, an ice session.

    Pain 5 on the first 3 days (the baseline) and on the last 3 (one of them
    also 4, with a note), so 6 days have entries.
    """
    await turn_review_on(hass, freezer)
    yesterday = dt_util.now().date() - timedelta(days=1)
    await log_pain(hass, 4, local(yesterday, 20), note=NOTE)
    await action(
        hass,
        "log_session",
        modality="ice",
        minutes=15,
        ended_at=local(yesterday, 9).isoformat(),
    )
    return init_integration


async def non_admin_token(hass: HomeAssistant) -> tuple[MockUser, str, str]:
    """Return a user who is no administrator, their refresh token's id and an access token."""
    group = await hass.auth.async_get_group(GROUP_ID_USER)
    assert group is not None
    user = MockUser(name="Visitor", groups=[group]).add_to_hass(hass)
    refresh = await hass.auth.async_create_refresh_token(user, CLIENT_ID)
    return user, refresh.id, hass.auth.async_create_access_token(refresh)


async def create_report(hass: HomeAssistant, **data: Any) -> dict[str, Any]:
    """Call ``create_report`` for the test entry; return its response."""
    response = await hass.services.async_call(
        DOMAIN,
        "create_report",
        {"config_entry_id": ENTRY_ID, **data},
        blocking=True,
        return_response=True,
    )
    await hass.async_block_till_done()
    assert response is not None
    return dict(response)


async def test_report_page_shows_the_recovery_to_an_administrator(
    hass: HomeAssistant, recovery: MockConfigEntry, hass_client: ClientSessionGenerator
) -> None:
    """Phase and days since the injury, the chart (a point per day with entries, the baseline, the review), sessions."""
    client = await hass_client()
    response = await client.get(REPORT)

    assert response.status == 200
    assert response.content_type == "text/html"
    assert response.charset == "utf-8"
    assert response.headers["Cache-Control"] == "no-store"
    assert "script-src" not in response.headers["Content-Security-Policy"]
    page = await response.text()
    assert "Recovery report: Back recovery" in page
    assert "Day 48 since the injury (2026-11-20)" in page
    assert "Phase: Rehabilitation." in page
    # 49 days since the injury (the period starts on it), 6 with entries.
    assert "2026-11-20 to 2027-01-07 (49 days)" in page
    assert page.count('class="pain-point"') == 6
    assert 'class="baseline" ' in page
    assert 'data-level="5.00"' in page
    assert 'class="baseline-band"' in page
    assert 'class="review"' in page
    assert "Ice and heat per week" in page
    assert "@page" in page
    # Notes only when asked.
    assert "after the walk" not in page
    assert "<script>" not in page


async def test_question_and_notes_are_escaped_and_notes_only_when_asked(
    hass: HomeAssistant, recovery: MockConfigEntry, hass_client: ClientSessionGenerator
) -> None:
    """The person's own text never becomes markup; notes appear with ``notes=1`` only."""
    client = await hass_client()
    question = "<img src=x onerror=alert(1)> May I run again?"

    page = await (
        await client.get(REPORT, params={"question": question, "notes": "1"})
    ).text()

    assert "&lt;img src=x onerror=alert(1)&gt; May I run again?" in page
    assert "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; after the walk" in page
    assert "<script>" not in page
    # The question is at the top, before the pain.
    assert page.index("May I run again?") < page.index("pain-chart")


async def test_csv_has_one_row_per_event_with_its_kind(
    hass: HomeAssistant, recovery: MockConfigEntry, hass_client: ClientSessionGenerator
) -> None:
    """UTF-8 with a header; ISO times with offset; pain, the session, the phases, the review; notes when asked."""
    client = await hass_client()

    response = await client.get(f"{REPORT}.csv")
    assert response.status == 200
    assert response.content_type == "text/csv"
    assert response.charset == "utf-8"
    rows = list(csv.DictReader(io.StringIO(await response.text())))

    assert tuple(rows[0]) == CSV_COLUMNS
    kinds = [row["kind"] for row in rows]
    assert kinds.count("pain") == 7
    assert kinds.count("ice_session") == 1
    assert {"phase", "review_recommended"} <= set(kinds)
    for row in rows:
        start = datetime.fromisoformat(row["start"])
        assert start.utcoffset() is not None
    (session,) = (row for row in rows if row["kind"] == "ice_session")
    assert (session["value"], session["unit"], session["detail"]) == (
        "15.0",
        "min",
        "logged",
    )
    assert all(row["note"] == "" for row in rows)

    with_notes = await (await client.get(f"{REPORT}.csv", params={"notes": "1"})).text()
    notes = [row["note"] for row in csv.DictReader(io.StringIO(with_notes))]
    assert NOTE in notes


async def test_signed_link_opens_without_login_for_24_hours(
    hass: HomeAssistant,
    recovery: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """``create_report`` returns a signed path: it opens without a login, and not after 24 hours."""
    response = await create_report(hass, days=28, question="Run again?")
    path = response["path"]
    assert path.startswith(f"{REPORT}?")
    assert "authSig=" in path
    assert " " not in path  # encoded: a link in a message is one word
    assert response["url"].endswith(path)
    assert datetime.fromisoformat(response["expires"]) == dt_util.utcnow() + timedelta(
        hours=24
    )
    client = await hass_client_no_auth()

    assert (await client.get(REPORT)).status == 401
    page = await (await client.get(path)).text()
    assert "Run again?" in page
    assert "(28 days)" in page

    await advance(hass, freezer, timedelta(hours=23, minutes=59))
    assert (await client.get(path)).status == 200
    await advance(hass, freezer, timedelta(minutes=1, seconds=1))
    assert (await client.get(path)).status == 401


async def test_altered_link_is_refused(
    hass: HomeAssistant,
    recovery: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """Every part of the link is signed: the period, the question, the notes, the format."""
    path = (await create_report(hass, days=28))["path"]
    client = await hass_client_no_auth()
    assert (await client.get(path)).status == 200

    for altered in (
        path.replace("days=28", "days=365"),
        path.replace("?", "?notes=1&"),
        path.replace("?", "?question=x&"),
        path.replace(REPORT, f"{REPORT}.csv"),
        re.sub(r"authSig=[^&]*", "authSig=forged", path),
    ):
        assert (await client.get(altered)).status == 401, altered


async def test_notes_need_include_notes_in_the_link(
    hass: HomeAssistant,
    recovery: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """A link without ``include_notes`` shows no note; one with it does."""
    client = await hass_client_no_auth()
    without = await (await client.get((await create_report(hass))["path"])).text()
    path = (await create_report(hass, include_notes=True))["path"]
    with_notes = await (await client.get(path)).text()

    assert "after the walk" not in without
    assert "after the walk" in with_notes


async def test_user_who_is_no_administrator_learns_nothing(
    hass: HomeAssistant,
    recovery: MockConfigEntry,
    hass_client: ClientSessionGenerator,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """403 with a short text, for a known and an unknown entry alike; a path they signed themselves too."""
    _, refresh_id, token = await non_admin_token(hass)
    client = await hass_client(token)

    for path in (REPORT, f"{REPORT}.csv", "/api/back_recovery/report/unknown"):
        response = await client.get(path)
        assert response.status == 403
        text = await response.text()
        assert "Only an administrator" in text
        assert "Back recovery" not in text

    signed = async_sign_path(
        hass, REPORT, timedelta(hours=1), refresh_token_id=refresh_id
    )
    assert (await (await hass_client_no_auth()).get(signed)).status == 403


async def test_user_who_is_no_administrator_cannot_create_a_link(
    hass: HomeAssistant, recovery: MockConfigEntry
) -> None:
    """``create_report`` asked by a user who is no administrator is refused; an administrator's call is not."""
    user, _, _ = await non_admin_token(hass)
    with pytest.raises(Unauthorized):
        await hass.services.async_call(
            DOMAIN,
            "create_report",
            {"config_entry_id": ENTRY_ID},
            blocking=True,
            return_response=True,
            context=Context(user_id=user.id),
        )


async def test_unknown_entry_and_bad_periods_are_clear_errors(
    hass: HomeAssistant, recovery: MockConfigEntry, hass_client: ClientSessionGenerator
) -> None:
    """404 for an unknown entry; 400 for a period before the injury, in the future, or out of range."""
    client = await hass_client()
    day_before = (INJURY_DATE - timedelta(days=1)).isoformat()
    tomorrow = (dt_util.now().date() + timedelta(days=1)).isoformat()

    for path, params, status, said in (
        ("/api/back_recovery/report/unknown", {}, 404, "There is no such recovery"),
        (REPORT, {"end": day_before}, 400, "ends before the injury date"),
        (REPORT, {"end": tomorrow}, 400, "cannot end after today"),
        (REPORT, {"days": "6"}, 400, "7 to 365 days"),
        (REPORT, {"days": "366"}, 400, "7 to 365 days"),
        (REPORT, {"days": "many"}, 400, "malformed"),
        (REPORT, {"end": "soon"}, 400, "malformed"),
    ):
        response = await client.get(path, params=params)
        assert response.status == status, params
        text = await response.text()
        assert said in text
        assert "Back recovery" not in text


async def test_period_that_starts_before_the_injury_starts_on_it(
    hass: HomeAssistant, recovery: MockConfigEntry, hass_client: ClientSessionGenerator
) -> None:
    """A period ending 3 days after the injury covers the injury date to that day."""
    client = await hass_client()
    end = INJURY_DATE + timedelta(days=3)

    page = await (await client.get(REPORT, params={"end": end.isoformat()})).text()

    assert "2026-11-20 to 2026-11-23 (4 days)" in page
    assert page.count('class="pain-point"') == 3


@pytest.mark.usefixtures("german")
async def test_report_in_german(
    hass: HomeAssistant, recovery: MockConfigEntry, hass_client: ClientSessionGenerator
) -> None:
    """Home Assistant in German: the page, its numbers and its dates in German."""
    client = await hass_client()

    page = await (await client.get(REPORT)).text()

    assert '<html lang="de">' in page
    assert "Genesungsbericht: Back recovery" in page
    assert "Tag 48 seit der Verletzung (20.11.2026)" in page
    assert "<b>5,0</b>" in page


async def test_create_report_sends_the_link_to_the_notify_targets(
    hass: HomeAssistant, recovery: MockConfigEntry
) -> None:
    """With ``notify`` the link goes to the phone; without it nothing is sent."""
    hass.states.async_set(PHONE, "unknown")
    calls = async_mock_service(hass, "notify", "send_message")

    await create_report(hass)
    assert calls == []
    response = await create_report(hass, notify=True)

    (call,) = calls
    assert call.data["entity_id"] == PHONE
    assert response["url"] in call.data["message"]


@pytest.mark.parametrize("days", [6, 366])
async def test_create_report_days_from_7_to_365(
    hass: HomeAssistant, recovery: MockConfigEntry, days: int
) -> None:
    """``days`` out of range is refused by the action's schema."""
    with pytest.raises(Exception, match="days"):
        await create_report(hass, days=days)


class ExercisesForTheReport:
    """A recorded part with a section: a line, a table and a CSV row (the extension point)."""

    key = "exercises"

    def __init__(self, data: bool = True) -> None:
        """Have data in the period or not."""
        self.data = data
        self.asked: list[ReportPeriod] = []

    def restore(self, data: Any) -> None:
        """Store nothing."""

    def as_dict(self) -> dict[str, Any]:
        """Store nothing."""
        return {}

    def new_day(self, today: date) -> None:
        """Nothing changes at midnight."""

    def report_section(self, period: ReportPeriod) -> SectionData | None:
        """Return a section with a line, a table and one row; ``None`` without data."""
        self.asked.append(period)
        if not self.data:
            return None
        return SectionData(
            key="exercises",
            title="report_exercises",
            lines=("Bridges <3 a day>",),
            table=SectionTable(("report_week",), (("12 of 14",),)),
            rows=(ReportRow("exercise", period.start, value="1", detail="bridge"),),
        )


async def test_part_adds_its_section_and_rows_and_none_without_data(
    hass: HomeAssistant, recovery: MockConfigEntry, hass_client: ClientSessionGenerator
) -> None:
    """A part implementing ``ReportSection`` adds its section (escaped) and CSV rows; without data it is left out."""
    records = recovery.runtime_data.engine.records
    part = records.add(ExercisesForTheReport())
    client = await hass_client()

    page = await (await client.get(REPORT)).text()
    rows = list(
        csv.DictReader(io.StringIO(await (await client.get(f"{REPORT}.csv")).text()))
    )

    assert part.asked[0].days == 49
    assert 'class="part part-exercises"' in page
    assert "Bridges &lt;3 a day&gt;" in page
    assert "12 of 14" in page
    assert [row["detail"] for row in rows if row["kind"] == "exercise"] == ["bridge"]

    part.data = False
    page = await (await client.get(REPORT)).text()
    assert "part-exercises" not in page


async def test_report_says_sessions_were_dropped_only_when_the_history_was_full(
    hass: HomeAssistant, recovery: MockConfigEntry, hass_client: ClientSessionGenerator
) -> None:
    """A recovery with a few sessions has dropped none: no "no longer stored" line (issue 25)."""
    yesterday = dt_util.now().date() - timedelta(days=1)
    for hour in (11, 13):
        await action(
            hass,
            "log_session",
            modality="ice",
            minutes=15,
            ended_at=local(yesterday, hour).isoformat(),
        )
    client = await hass_client()

    page = await (await client.get(REPORT)).text()

    assert "Ice and heat per week" in page
    assert "no longer stored" not in page


@pytest.fixture
def history_of_two(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep only the newest 2 sessions (set before the recovery starts)."""
    monkeypatch.setattr(
        "custom_components.back_recovery.engine.core.MAX_STORED_SESSIONS", 2
    )


async def test_report_says_when_sessions_were_dropped_from_a_full_history(
    history_of_two: None,
    hass: HomeAssistant,
    recovery: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    """The history keeps 2: after a third session the page names the first date still stored."""
    day = dt_util.now().date() - timedelta(days=1)
    for hour in (11, 13):
        await action(
            hass,
            "log_session",
            modality="heat",
            minutes=15,
            ended_at=local(day, hour).isoformat(),
        )
    client = await hass_client()

    page = await (await client.get(REPORT)).text()

    assert f"Sessions before {day.isoformat()} are no longer stored." in page


def csv_href(page: str) -> str:
    """Return the page's "Download as CSV" link (unescaped)."""
    match = re.search(r'<a href="([^"]+)" download>Download as CSV</a>', page)
    assert match is not None, "no CSV link"
    return match.group(1).replace("&amp;", "&")


async def test_csv_of_a_signed_link_opens_without_login_until_the_link_expires(
    hass: HomeAssistant,
    recovery: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """``create_report`` returns a signed ``csv_url``; the signed page links its CSV; both expire with the link."""
    response = await create_report(hass, days=28, include_notes=True)
    csv_path = response["csv_path"]
    assert csv_path.startswith(f"{REPORT}.csv?")
    assert response["csv_url"].endswith(csv_path)
    client = await hass_client_no_auth()

    page = await (await client.get(response["path"])).text()
    linked = csv_href(page)
    for path in (csv_path, linked):
        answer = await client.get(path)
        assert answer.status == 200, path
        assert answer.content_type == "text/csv"
        text = await answer.text()
        assert NOTE in text  # the same notes as the link
    assert ".csv { display: none; }" in page  # not printed

    await advance(hass, freezer, timedelta(hours=23, minutes=59))
    assert (await client.get(linked)).status == 200
    await advance(hass, freezer, timedelta(minutes=1, seconds=1))
    for path in (csv_path, linked):
        assert (await client.get(path)).status == 401, path


async def test_page_of_a_logged_in_administrator_links_its_csv(
    hass: HomeAssistant,
    recovery: MockConfigEntry,
    hass_client: ClientSessionGenerator,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """The link is signed for the same period and question."""
    page = await (
        await (await hass_client()).get(
            REPORT, params={"days": "14", "question": "Run?"}
        )
    ).text()

    linked = csv_href(page)
    assert "days=14" in linked
    assert "question=Run" in linked
    answer = await (await hass_client_no_auth()).get(linked)
    assert answer.status == 200
    assert answer.content_type == "text/csv"


async def test_signed_link_shows_the_period_it_was_made_for_on_a_later_day(
    hass: HomeAssistant,
    recovery: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The period's last date is in the link: opened the next day it shows the same 28 days."""
    today = dt_util.now().date()
    path = (await create_report(hass, days=28))["path"]
    client = await hass_client_no_auth()
    period = f"{today - timedelta(days=27)} to {today} (28 days)"
    assert period in await (await client.get(path)).text()

    await advance(hass, freezer, timedelta(hours=23))
    assert dt_util.now().date() == today + timedelta(days=1)

    page = await (await client.get(path)).text()
    assert period in page


@pytest.mark.usefixtures("recovery")
@pytest.mark.parametrize("german_too", [False, True])
async def test_link_that_no_longer_opens_says_so_without_a_failed_login(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    german_too: bool,
) -> None:
    """Altered or expired: a translated page, nothing of the report, no "Login attempt failed" notification."""
    path = (await create_report(hass, days=28, include_notes=True))["path"]
    if german_too:
        hass.config.language = "de"
    said = (
        "Dieser Link ist ungültig oder abgelaufen"
        if german_too
        else "This link is invalid or has expired"
    )
    client = await hass_client_no_auth()
    altered = (
        path.replace("days=28", "days=365"),
        path.replace(REPORT, f"{REPORT}.csv"),
        re.sub(r"authSig=[^&]*", "authSig=forged", path),
        path.replace(ENTRY_ID, "unknown"),
    )

    await advance(hass, freezer, timedelta(hours=24, seconds=1))
    for link in (*altered, path):
        response = await client.get(link)
        assert response.status == 401, link
        assert response.content_type == "text/html"
        text = await response.text()
        assert said in text, link
        for secret in ("Back recovery", "after the walk", "pain", "Pain", "Schmerz"):
            assert secret not in text, (link, secret)

    assert "http-login" not in _async_get_or_create_notifications(hass)
    assert "Login attempt" not in caplog.text


async def test_request_without_login_or_signature_is_still_a_failed_login(
    hass: HomeAssistant,
    recovery: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """No signature, or a wrong token: refused as Home Assistant refuses it (counted towards an IP ban)."""
    client = await hass_client_no_auth()

    for headers in ({}, {"Authorization": "Bearer wrong"}):
        response = await client.get(REPORT, headers=headers)
        assert response.status == 401
        assert "Back recovery" not in await response.text()
    response = await client.get(
        f"{REPORT}?authSig=x", headers={"Authorization": "Bearer wrong"}
    )
    assert response.status == 401

    assert "http-login" in _async_get_or_create_notifications(hass)


async def test_report_of_a_fraction_of_days_is_refused_not_cut(
    hass: HomeAssistant, recovery: MockConfigEntry, hass_client: ClientSessionGenerator
) -> None:
    """``days: 7.5`` is refused with a translated error, in the action and in the address."""
    with pytest.raises(ServiceValidationError) as refused:
        await create_report(hass, days=7.5)
    assert refused.value.translation_key == "report_days_not_whole"
    assert "7.5 is not a whole number" in str(refused.value)
    assert (await create_report(hass, days=7.0))["path"].startswith(f"{REPORT}?days=7&")

    response = await (await hass_client()).get(REPORT, params={"days": "7.5"})
    assert response.status == 400
    assert "days must be a whole number" in await response.text()
