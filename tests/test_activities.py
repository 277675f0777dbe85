"""Activities the doctor cleared, through Home Assistant: the actions, the sensors, the options, the store.

Contract "Activities and return to activity": the guidance's three and the
person's own are each ``avoid`` until the person records a clearance; a
withdrawal puts it back; the phases never clear anything. The rules
themselves are tested on plain data in therapy/test_activities.py.
"""

from __future__ import annotations

import csv
from datetime import timedelta
import io
import logging
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
import voluptuous as vol

from custom_components.back_recovery.const import (
    CONF_OWN_ACTIVITIES,
    DOMAIN,
    RecoveryEvent,
)
from custom_components.back_recovery.diagnostics import (
    async_get_config_entry_diagnostics,
)
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import InvalidData
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er

from .helpers.clock import advance
from .helpers.ha import ENTRY_ID, INJURY_DATE, action, entity_id_of, entity_state
from .helpers.storage import STORAGE_KEY

pytestmark = pytest.mark.usefixtures("plug")

HIGH_IMPACT = "binary_sensor.back_recovery_running_and_jumping_cleared"
CONTACT_SPORTS = "binary_sensor.back_recovery_contact_sports_cleared"
HEAVY_LIFTING = "binary_sensor.back_recovery_heavy_lifting_cleared"
CYCLING = "binary_sensor.back_recovery_cycling_cleared"
CLEARED_COUNT = "sensor.back_recovery_activities_cleared"
GUIDANCE = (HIGH_IMPACT, CONTACT_SPORTS, HEAVY_LIFTING)
TODAY = "2026-11-25"
"""The local date at ``T0`` (Home Assistant's time zone in the tests)."""


async def _options(hass: HomeAssistant, entry: MockConfigEntry, **changes: Any) -> None:
    """Save new options as the options flow does (no reload) and let them apply."""
    hass.config_entries.async_update_entry(entry, options={**entry.options, **changes})
    await hass.async_block_till_done()


async def _refused(
    hass: HomeAssistant, service: str, **data: Any
) -> ServiceValidationError:
    """Call ``service`` and return its translated refusal."""
    with pytest.raises(ServiceValidationError) as info:
        await action(hass, service, **data)
    assert info.value.translation_domain == DOMAIN
    return info.value


@pytest.mark.usefixtures("init_integration")
async def test_every_activity_is_avoid_until_a_clearance_is_recorded(
    hass: HomeAssistant,
) -> None:
    """The guidance's three binary sensors are off ("Avoid"), none cleared."""
    for entity_id in GUIDANCE:
        state = hass.states.get(entity_id)
        assert state is not None
        assert state.state == "off"
        assert state.attributes["cleared_on"] is None
        assert state.attributes["by"] is None
    assert entity_id_of(hass, "binary_sensor", "high_impact_cleared") == HIGH_IMPACT
    assert entity_state(hass, CLEARED_COUNT) == "0"


@pytest.mark.usefixtures("init_integration")
async def test_a_clearance_recorded_turns_its_sensor_on_and_fires_activity_cleared(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """Cleared on a date by someone: its sensor is on with both, the count 1, the event fires, the store keeps it."""
    events = async_capture_events(hass, RecoveryEvent.ACTIVITY_CLEARED)
    response = await hass.services.async_call(
        DOMAIN,
        "record_clearance",
        {
            "config_entry_id": ENTRY_ID,
            "activity": "high_impact",
            "cleared_on": "2026-11-24",
            "by": "Dr. Lee",
        },
        blocking=True,
        return_response=True,
    )
    await hass.async_block_till_done()
    assert response == {
        "activity": "high_impact",
        "name": None,
        "status": "cleared",
        "cleared_on": "2026-11-24",
        "by": "Dr. Lee",
    }
    state = hass.states.get(HIGH_IMPACT)
    assert state is not None
    assert state.state == "on"
    assert state.attributes["cleared_on"] == "2026-11-24"
    assert state.attributes["by"] == "Dr. Lee"
    assert entity_state(hass, CONTACT_SPORTS) == "off"
    assert entity_state(hass, HEAVY_LIFTING) == "off"
    count = hass.states.get(CLEARED_COUNT)
    assert count is not None
    assert count.state == "1"
    assert count.attributes["cleared"] == ["high_impact"]
    assert [event.data for event in events] == [
        {
            "config_entry_id": ENTRY_ID,
            "activity": "high_impact",
            "name": None,
            "cleared_on": "2026-11-24",
            "by": "Dr. Lee",
        }
    ]
    stored = hass_storage[STORAGE_KEY]["data"]["records"]["activities"]["entries"]
    assert [(e["activity"], e["kind"], e["on"], e["by"]) for e in stored] == [
        ("high_impact", "cleared", "2026-11-24", "Dr. Lee")
    ]


@pytest.mark.usefixtures("init_integration")
async def test_a_clearance_without_a_date_is_cleared_today(hass: HomeAssistant) -> None:
    """``cleared_on`` left out: today, the local date."""
    await action(hass, "record_clearance", activity="heavy_lifting", by="Dr. Lee")
    state = hass.states.get(HEAVY_LIFTING)
    assert state is not None
    assert state.state == "on"
    assert state.attributes["cleared_on"] == TODAY


@pytest.mark.usefixtures("init_integration")
async def test_a_clearance_withdrawn_puts_the_activity_back_to_avoid(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """Withdrawn: off, ``withdrawn_on`` today, the count 0, the event fires; the clearance stays in the history."""
    withdrawn = async_capture_events(hass, RecoveryEvent.CLEARANCE_WITHDRAWN)
    await action(
        hass,
        "record_clearance",
        activity="contact_sports",
        cleared_on="2026-11-21",
        by="Dr. Lee",
    )
    await action(hass, "withdraw_clearance", activity="contact_sports")
    state = hass.states.get(CONTACT_SPORTS)
    assert state is not None
    assert state.state == "off"
    assert state.attributes == {
        **state.attributes,
        "cleared_on": None,
        "by": None,
        "withdrawn_on": TODAY,
    }
    assert entity_state(hass, CLEARED_COUNT) == "0"
    assert [event.data for event in withdrawn] == [
        {
            "config_entry_id": ENTRY_ID,
            "activity": "contact_sports",
            "name": None,
            "withdrawn_on": TODAY,
        }
    ]
    stored = hass_storage[STORAGE_KEY]["data"]["records"]["activities"]["entries"]
    assert [e["kind"] for e in stored] == ["cleared", "withdrawn"]
    # Nothing left to withdraw: nothing recorded, nothing fired.
    await action(hass, "withdraw_clearance", activity="contact_sports")
    assert len(withdrawn) == 1
    # Cleared again: the latest counts.
    await action(hass, "record_clearance", activity="contact_sports", by="Dr. Park")
    state = hass.states.get(CONTACT_SPORTS)
    assert state is not None
    assert (state.state, state.attributes["by"]) == ("on", "Dr. Park")


@pytest.mark.usefixtures("init_integration")
async def test_an_unknown_activity_is_refused_and_nothing_is_recorded(
    hass: HomeAssistant, caplog: pytest.LogCaptureFixture
) -> None:
    """``unknown_activity`` names the activities to choose from; refusals log no ERROR."""
    events = async_capture_events(hass, RecoveryEvent.ACTIVITY_CLEARED)
    err = await _refused(hass, "record_clearance", activity="swimming", by="Dr. Lee")
    assert err.translation_key == "unknown_activity"
    assert err.translation_placeholders == {
        "activity": "swimming",
        "activities": "high_impact, contact_sports, heavy_lifting",
    }
    err = await _refused(
        hass, "withdraw_clearance", activity="own_activity", name="Cycling"
    )
    assert err.translation_key == "unknown_activity"
    err = await _refused(
        hass, "record_clearance", activity="own_activity", by="Dr. Lee"
    )
    assert err.translation_key == "activity_name_required"
    assert events == []
    assert entity_state(hass, CLEARED_COUNT) == "0"
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"cleared_on": "2026-11-26", "by": "Dr. Lee"}, "cleared_on_in_future"),
        ({"cleared_on": "2026-11-19", "by": "Dr. Lee"}, "cleared_before_injury"),
        ({"by": "   "}, "cleared_by_required"),
    ],
)
@pytest.mark.usefixtures("init_integration")
async def test_a_clearance_in_the_future_before_the_injury_or_by_no_one_is_refused(
    hass: HomeAssistant, data: dict[str, Any], key: str
) -> None:
    """Tomorrow, the day before the injury date, or nobody: refused, still "Avoid"."""
    assert INJURY_DATE.isoformat() == "2026-11-20"
    err = await _refused(hass, "record_clearance", activity="high_impact", **data)
    assert err.translation_key == key
    assert entity_state(hass, HIGH_IMPACT) == "off"


@pytest.mark.usefixtures("init_integration")
async def test_who_cleared_it_is_required_and_at_most_100_characters(
    hass: HomeAssistant,
) -> None:
    """The schema refuses a clearance without ``by`` or with one over 100 characters."""
    with pytest.raises(vol.Invalid):
        await action(hass, "record_clearance", activity="high_impact")
    with pytest.raises(vol.Invalid):
        await action(hass, "record_clearance", activity="high_impact", by="x" * 101)
    assert entity_state(hass, HIGH_IMPACT) == "off"


@pytest.mark.usefixtures("init_integration")
async def test_rule_the_phases_never_clear_anything(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Return to activity, then recovered, then a year later: every activity still "Avoid"."""
    await action(hass, "set_phase", phase="return_to_activity")
    assert {entity_state(hass, e) for e in GUIDANCE} == {"off"}
    await action(hass, "set_phase", phase="recovered")
    await advance(hass, freezer, timedelta(days=365))
    assert entity_state(hass, "sensor.back_recovery_recovery_phase") == "recovered"
    assert {entity_state(hass, e) for e in GUIDANCE} == {"off"}
    assert entity_state(hass, CLEARED_COUNT) == "0"


async def test_rule_8_a_clearance_survives_a_restart(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Reloaded (as a restart loads it): the clearance and the withdrawal read back from the store."""
    await action(hass, "record_clearance", activity="high_impact", by="Dr. Lee")
    await action(hass, "record_clearance", activity="heavy_lifting", by="Dr. Lee")
    await action(hass, "withdraw_clearance", activity="heavy_lifting")
    assert await hass.config_entries.async_reload(ENTRY_ID)
    await hass.async_block_till_done()
    state = hass.states.get(HIGH_IMPACT)
    assert state is not None
    assert (state.state, state.attributes["by"]) == ("on", "Dr. Lee")
    heavy = hass.states.get(HEAVY_LIFTING)
    assert heavy is not None
    assert (heavy.state, heavy.attributes["withdrawn_on"]) == ("off", TODAY)
    assert entity_state(hass, CLEARED_COUNT) == "1"


async def test_own_activities_are_named_in_the_options_and_cleared_by_name(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """An own activity named in the options gets its sensor at once, "Avoid"; cleared by its name; unnamed, it goes."""
    await _options(hass, init_integration, **{CONF_OWN_ACTIVITIES: ["Cycling"]})
    state = hass.states.get(CYCLING)
    assert state is not None
    assert state.state == "off"
    assert state.name == "Back recovery Cycling cleared"
    events = async_capture_events(hass, RecoveryEvent.ACTIVITY_CLEARED)
    await action(
        hass,
        "record_clearance",
        activity="own_activity",
        name="cycling",
        by="Physio Sam",
    )
    state = hass.states.get(CYCLING)
    assert state is not None
    assert (state.state, state.attributes["by"]) == ("on", "Physio Sam")
    assert events[0].data["name"] == "Cycling"
    count = hass.states.get(CLEARED_COUNT)
    assert count is not None
    assert (count.state, count.attributes["cleared"]) == ("1", ["Cycling"])

    await _options(hass, init_integration, **{CONF_OWN_ACTIVITIES: []})
    assert hass.states.get(CYCLING) is None
    assert er.async_get(hass).async_get(CYCLING) is None
    assert entity_state(hass, CLEARED_COUNT) == "0"
    # Named again: its clearance was kept.
    await _options(hass, init_integration, **{CONF_OWN_ACTIVITIES: ["Cycling"]})
    assert entity_state(hass, CYCLING) == "on"


async def test_own_activity_names_are_the_same_case_and_inner_spaces_aside(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Two spaces or another case make no other name: one activity, cleared by either spelling."""
    await _options(
        hass,
        init_integration,
        **{CONF_OWN_ACTIVITIES: ["Road cycling", "road  CYCLING"]},
    )
    road = "binary_sensor.back_recovery_road_cycling_cleared"
    assert entity_state(hass, road) == "off"
    await action(
        hass,
        "record_clearance",
        activity="own_activity",
        name=" road \t cycling",
        by="Physio Sam",
    )
    assert entity_state(hass, road) == "on"
    count = hass.states.get(CLEARED_COUNT)
    assert count is not None
    assert (count.state, count.attributes["cleared"]) == ("1", ["Road cycling"])


async def test_an_own_activity_removed_while_stopped_loses_its_entity(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Removed from the options while the recovery is unloaded: its entity goes at the next load."""
    await _options(hass, init_integration, **{CONF_OWN_ACTIVITIES: ["Cycling"]})
    assert hass.states.get(CYCLING) is not None
    assert await hass.config_entries.async_unload(ENTRY_ID)
    hass.config_entries.async_update_entry(
        init_integration, options={**init_integration.options, CONF_OWN_ACTIVITIES: []}
    )
    assert await hass.config_entries.async_setup(ENTRY_ID)
    await hass.async_block_till_done()
    assert er.async_get(hass).async_get(CYCLING) is None


@pytest.mark.parametrize(
    ("names", "error"),
    [
        (["x" * 51], "own_activity_too_long"),
        ([f"Activity {n}" for n in range(21)], "too_many_own_activities"),
    ],
)
async def test_the_options_refuse_a_name_too_long_or_too_many(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    names: list[str],
    error: str,
) -> None:
    """A name over 50 characters or more than 20 activities is refused on its field, never cut."""
    result = await hass.config_entries.options.async_init(ENTRY_ID)
    with pytest.raises(InvalidData) as err:
        await hass.config_entries.options.async_configure(
            result["flow_id"], {CONF_OWN_ACTIVITIES: names}
        )
    assert err.value.schema_errors == {CONF_OWN_ACTIVITIES: error}
    assert init_integration.options[CONF_OWN_ACTIVITIES] == []


@pytest.mark.parametrize(
    "name",
    [
        "Running and jumping",
        "CONTACT SPORTS",
        " heavy lifting ",
        "Laufen und Springen",
        "kontaktsport",
        "Schweres Heben",
    ],
)
async def test_the_options_refuse_a_guidance_activity_name(
    hass: HomeAssistant, init_integration: MockConfigEntry, name: str
) -> None:
    """An own activity may not take a guidance activity's name, in English or German, any case.

    It would give a second "<name> cleared" sensor beside the guidance's and
    a voice answer naming it twice.
    """
    result = await hass.config_entries.options.async_init(ENTRY_ID)
    with pytest.raises(InvalidData) as err:
        await hass.config_entries.options.async_configure(
            result["flow_id"], {CONF_OWN_ACTIVITIES: ["Cycling", name]}
        )
    assert err.value.schema_errors == {
        CONF_OWN_ACTIVITIES: "own_activity_guidance_name"
    }
    assert init_integration.options[CONF_OWN_ACTIVITIES] == []


async def test_the_options_keep_a_name_that_only_contains_a_guidance_name(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Only the very name is refused: "Running and jumping rope" is an activity of its own."""
    result = await hass.config_entries.options.async_init(ENTRY_ID)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_OWN_ACTIVITIES: ["Running and jumping rope"]}
    )
    assert result["data"][CONF_OWN_ACTIVITIES] == ["Running and jumping rope"]


async def test_the_options_keep_each_name_once_trimmed(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Names are trimmed, empty ones dropped, the same name in another case kept once."""
    result = await hass.config_entries.options.async_init(ENTRY_ID)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_OWN_ACTIVITIES: [" Cycling ", "", "cycling", "Golf"]}
    )
    assert result["data"][CONF_OWN_ACTIVITIES] == ["Cycling", "Golf"]


async def test_diagnostics_count_clearances_without_names(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Diagnostics say counts only: no own activity's name, no one who cleared it."""
    await _options(hass, init_integration, **{CONF_OWN_ACTIVITIES: ["Cycling"]})
    await action(
        hass, "record_clearance", activity="own_activity", name="Cycling", by="Dr. Lee"
    )
    diagnostics = await async_get_config_entry_diagnostics(hass, init_integration)
    assert diagnostics["activities"]["own_cleared"] == 1
    assert "Cycling" not in repr(diagnostics)
    assert "Lee" not in repr(diagnostics)


async def test_the_clinician_report_shows_the_clearances(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    """The report's section: each activity as it stands, and each clearance and withdrawal (CSV rows too)."""
    client = await hass_client()
    report = f"/api/back_recovery/report/{ENTRY_ID}"
    page = await (await client.get(report)).text()
    assert "Activities and the doctor&#x27;s clearances" not in page  # none recorded
    await action(
        hass,
        "record_clearance",
        activity="high_impact",
        cleared_on="2026-11-22",
        by="Dr. Lee",
    )
    await action(hass, "record_clearance", activity="heavy_lifting", by="Dr. Lee")
    await action(hass, "withdraw_clearance", activity="heavy_lifting")

    page = await (await client.get(report)).text()
    assert "Activities and the doctor&#x27;s clearances" in page
    assert "Running and jumping: cleared by Dr. Lee on 22 November." in page
    assert "Heavy lifting: no clearance recorded." in page
    assert "clearance withdrawn" in page
    rows = list(
        csv.DictReader(io.StringIO(await (await client.get(f"{report}.csv")).text()))
    )
    ours = [
        (row["kind"], row["start"][:10], row["detail"], row["note"])
        for row in rows
        if row["kind"].startswith("clearance")
    ]
    assert ours == [
        ("clearance", "2026-11-22", "high_impact", ""),
        ("clearance", TODAY, "heavy_lifting", ""),
        ("clearance_withdrawn", TODAY, "heavy_lifting", ""),
    ]
