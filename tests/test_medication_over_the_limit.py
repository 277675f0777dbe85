"""A dose beyond the daily limit the person entered says "over", not "reached" (contract "Pain medication").

The reason stays ``daily_limit_reached``; the fourth of four reaches the
limit, the fifth, sixth, seventh are over it, and every text (notification,
logbook) says so with the count ("5 of 4"). The response and the warning
event carry ``most_doses_24h`` and ``max_doses_per_24h``.
"""

from __future__ import annotations

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from pytest_homeassistant_custom_component.common import (
    async_capture_events,
    async_mock_service,
)

from custom_components.back_recovery.const import RecoveryEvent
from custom_components.back_recovery.logbook import describe_event
from custom_components.back_recovery.texts import async_load_texts
from homeassistant.const import STATE_UNKNOWN
from homeassistant.core import HomeAssistant

from .helpers.clock import advance
from .helpers.ha import add_entry
from .helpers.medication import add_medicine, log_dose

REACHED = "With this dose, the most doses in 24 hours you entered is reached."


async def test_rule_a_dose_beyond_the_daily_limit_says_over_with_the_count(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Doses 5 to 7 of at most 4: not within, and every text says over ("5 of 4")."""
    hass.states.async_set("notify.phone", STATE_UNKNOWN)
    sent = async_mock_service(hass, "notify", "send_message")
    await add_entry(hass, {"notify_entities": ["notify.phone"]}, plug=None)
    await add_medicine(hass, hours=1, most=4, notify=True)
    warned = async_capture_events(hass, RecoveryEvent.MEDICATION_WARNING)
    responses = []
    for _ in range(7):
        responses.append(await log_dose(hass, "Ibuprofen"))
        await advance(hass, freezer, timedelta(hours=1), wait_background_tasks=True)
    assert [r["warnings"] for r in responses[3:]] == [["daily_limit_reached"]] * 4
    assert [r["within_limits"] for r in responses[3:]] == [True, False, False, False]
    assert [r["most_doses_24h"] for r in responses] == [1, 2, 3, 4, 5, 6, 7]
    assert {r["max_doses_per_24h"] for r in responses} == {4}
    daily = [e.data for e in warned if e.data["reason"] == "daily_limit_reached"]
    assert [(d["most_doses_24h"], d["max_doses_per_24h"]) for d in daily] == [
        (4, 4),
        (5, 4),
        (6, 4),
        (7, 4),
    ]
    # Dose 3 warns one before the limit; 4 reaches it; 5, 6, 7 are over it.
    messages = [call.data["message"] for call in sent]
    assert len(messages) == 5
    assert REACHED in messages[1]
    for message, count in zip(messages[2:], (5, 6, 7), strict=True):
        assert "is reached" not in message
        assert (
            "With this dose, you are over the most doses in 24 hours you entered "
            f"({count} of 4)."
        ) in message

    texts = await async_load_texts(hass)
    logbook = [
        describe_event(RecoveryEvent.MEDICATION_WARNING, d, texts)[0] for d in daily
    ]
    assert REACHED in logbook[0]
    assert (
        "you are over the most doses in 24 hours you entered (5 of 4)" in (logbook[1])
    )
    german = await async_load_texts(hass, "de")
    message, _ = describe_event(RecoveryEvent.MEDICATION_WARNING, daily[1], german)
    assert "bist du über der Höchstzahl in 24 Stunden" in message
    assert "(5 von 4)" in message
    # An event stored before the count was added still reads as before.
    old = {k: v for k, v in daily[1].items() if k != "most_doses_24h"}
    assert REACHED in describe_event(RecoveryEvent.MEDICATION_WARNING, old, texts)[0]
