"""Tests for the tools language-model assistants get, through Home Assistant's LLM helper."""

from __future__ import annotations

from datetime import datetime, timedelta
import logging
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import probatio
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)

from custom_components.back_recovery.const import (
    CONF_HEAT_HOURS_END,
    CONF_HEAT_HOURS_START,
    CONF_OWN_ACTIVITIES,
    DOMAIN,
    RecoveryEvent,
)
from custom_components.back_recovery.llm import async_get_tools
from custom_components.back_recovery.texts import clock_hours, moment_text
from custom_components.back_recovery.voice.answers import NOT_SWITCHED_OFF
from homeassistant.components.homeassistant.exposed_entities import async_expose_entity
from homeassistant.core import Context, HomeAssistant
from homeassistant.helpers import entity_registry as er, llm
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util

from ..helpers.assist import Asker
from ..helpers.clock import advance, waited
from ..helpers.files import translations
from ..helpers.ha import ENTRY_ID, SECOND_ENTRY_ID, action, add_second_recovery, view_of
from ..helpers.plug import PLUG_IGNORES, PLUG_ONLINE, plug_power, set_input_boolean

ASSISTANT = "conversation"
PREFIX = f"{DOMAIN}__"
STATUS = f"{PREFIX}get_status"
START = f"{PREFIX}start_session"
STOP = f"{PREFIX}stop_session"
LOG_PAIN = f"{PREFIX}log_pain"
LAST_HEAT = f"{PREFIX}BackRecoveryLastHeatSession"
NEXT_HEAT = f"{PREFIX}BackRecoveryNextHeatSession"
LOG_DOSE = f"{PREFIX}log_dose"
ACTIVITY = f"{PREFIX}BackRecoveryActivityCleared"
EN = translations("en")
DE = translations("de")


@pytest.fixture
async def assist_api(hass: HomeAssistant, init_integration: MockConfigEntry) -> None:
    """Set up Home Assistant's exposure settings and its LLM APIs beside the recovery."""
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "llm", {})
    await hass.async_block_till_done()


async def get_api(
    hass: HomeAssistant, language: str = "en", context: Context | None = None
) -> llm.APIInstance:
    """Return the Assist API as a conversation agent gets it (``context``: who asks)."""
    return await llm.async_get_api(
        hass,
        llm.LLM_API_ASSIST,
        llm.LLMContext(
            platform="test",
            context=context or Context(),
            language=language,
            assistant=ASSISTANT,
            device_id=None,
        ),
    )


def our_tools(api: llm.APIInstance) -> dict[str, llm.Tool]:
    """Return Back Recovery's tools by name."""
    return {tool.name: tool for tool in api.tools if tool.name.startswith(PREFIX)}


async def call(
    hass: HomeAssistant,
    tool: str,
    language: str = "en",
    context: Context | None = None,
    **args: Any,
) -> llm.ToolResult:
    """Call one tool through the Assist API, as a conversation agent does."""
    api = await get_api(hass, language, context)
    result = await api.async_call_tool(llm.ToolInput(tool_name=tool, tool_args=args))
    await hass.async_block_till_done()
    return result


def local(moment: datetime | None) -> str | None:
    """Say a moment as the tools do: local ISO time with its offset."""
    return dt_util.as_local(moment).isoformat() if moment else None


def expose_recovery(hass: HomeAssistant, entry_id: str, exposed: bool) -> None:
    """Expose every entity of a recovery to the assistant, or none."""
    registry = er.async_get(hass)
    for entity in er.async_entries_for_config_entry(registry, entry_id):
        async_expose_entity(hass, ASSISTANT, entity.entity_id, exposed)


def openapi(api: llm.APIInstance, tool: llm.Tool) -> dict[str, Any]:
    """Return a tool's parameters as the MCP server and the agents send them."""
    schema: dict[str, Any] = probatio.to_openapi(
        tool.parameters, custom_serializer=api.custom_serializer
    )
    return schema


@pytest.mark.usefixtures("assist_api")
async def test_tools_are_listed_with_descriptions_schemas_and_annotations(
    hass: HomeAssistant,
) -> None:
    """The Assist API lists the seven tools, described, with their parameters; reads are marked read-only."""
    api = await get_api(hass)
    tools = our_tools(api)
    assert set(tools) == {
        STATUS,
        START,
        STOP,
        LOG_PAIN,
        LAST_HEAT,
        NEXT_HEAT,
        LOG_DOSE,
        ACTIVITY,
    }
    for tool in tools.values():
        assert tool.integration == DOMAIN
        assert tool.description
        assert len(tool.description) > 60
        assert tool.annotations.open_world is False
        # One recovery: nothing to choose.
        assert "name" not in openapi(api, tool).get("properties", {})
    for name in (STATUS, LAST_HEAT, NEXT_HEAT, ACTIVITY):
        assert tools[name].annotations.read_only is True
    for name in (START, STOP, LOG_PAIN, LOG_DOSE):
        assert tools[name].annotations.read_only is False
    start = openapi(api, tools[START])
    assert start["required"] == ["modality"]
    assert start["properties"]["modality"]["enum"] == ["ice", "heat"]
    assert start["properties"]["minutes"]["type"] == "integer"
    log_pain = openapi(api, tools[LOG_PAIN])
    assert log_pain["required"] == ["level"]
    assert log_pain["properties"]["level"]["minimum"] == 0
    assert log_pain["properties"]["level"]["maximum"] == 10
    assert set(log_pain["properties"]) == {"level", "recorded_at", "note"}
    assert openapi(api, tools[STATUS]).get("properties", {}) == {}
    activity = openapi(api, tools[ACTIVITY])
    assert set(activity["properties"]) == {"activity"}
    assert "required" not in activity


@pytest.mark.usefixtures("assist_api")
async def test_get_status_without_a_session(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The status names the phase with its guidance, no session, no skin rest, no pain yet."""
    result = await call(hass, STATUS)
    assert result.error is False
    assert result.data == {
        "name": "Back recovery",
        "now": local(dt_util.utcnow()),
        "phase": "rest",
        "phase_name": EN["common"]["phase_rest"],
        "guidance": EN["common"]["guidance_rest"],
        "days_since_injury": 5,
        "recommended_therapy": "heat",
        "session_running": False,
        "session": None,
        "skin_rest": False,
        "next_session_allowed": None,
        "next_session_allowed_now": True,
        "heating_pad_may_heat": False,
        "heating_pad_warning": None,
        "heat_allowed_at": None,
        "sessions_today": 0,
        "latest_pain": None,
        "pain_average_7d": None,
        "pain_trend": "insufficient_data",
        "review_recommended": False,
        "last_session_end": None,
        "last_session_end_ago": None,
        "last_heat_session": None,
        "last_heat_session_ago": None,
        "last_ice_session": None,
        "last_ice_session_ago": None,
        "activities": [
            {
                "activity": activity,
                "name": None,
                "status": "avoid",
                "cleared_on": None,
                "cleared_by": None,
                "withdrawn_on": None,
                "answer": " ".join(
                    (
                        EN["common"]["voice_activity_not_cleared"].format(
                            activity=said
                        ),
                        EN["common"]["voice_activity_avoid"],
                    )
                ),
            }
            for activity, said in (
                ("high_impact", "Running and jumping"),
                ("contact_sports", "Contact sports"),
                ("heavy_lifting", "Heavy lifting"),
            )
        ],
    }


@pytest.mark.parametrize(
    ("language", "heat_ago", "ice_ago"),
    [
        ("en", "12 minutes ago", "2 hours and 47 minutes ago"),
        ("de", "vor 12 Minuten", "vor 2 Stunden und 47 Minuten"),
    ],
)
@pytest.mark.usefixtures("assist_api")
async def test_get_status_says_how_long_ago_each_kind_of_session_ended(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    language: str,
    heat_ago: str,
    ice_ago: str,
) -> None:
    """From the timestamps: when the last session, heat and ice ended, and "12 minutes ago" in the asker's language."""
    now = dt_util.utcnow()
    heat_end = now - timedelta(minutes=12)
    ice_end = now - timedelta(hours=2, minutes=47)
    await action(
        hass, "log_session", modality="ice", minutes=10, ended_at=ice_end.isoformat()
    )
    await action(
        hass, "log_session", modality="heat", minutes=15, ended_at=heat_end.isoformat()
    )
    status = (await call(hass, STATUS, language)).data
    assert status["last_session_end"] == local(heat_end)
    assert status["last_session_end_ago"] == heat_ago
    assert status["last_heat_session"] == local(heat_end)
    assert status["last_heat_session_ago"] == heat_ago
    assert status["last_ice_session"] == local(ice_end)
    assert status["last_ice_session_ago"] == ice_ago


@pytest.mark.usefixtures("assist_api")
async def test_start_heat_then_status_shows_the_session_and_its_end(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Starting heat through the tool switches the pad on; the status shows the session."""
    result = await call(hass, START, modality="heat", minutes=15)
    ends_at = dt_util.utcnow() + timedelta(minutes=15)
    assert result.error is False
    assert result.data == {
        "success": True,
        "name": "Back recovery",
        "modality": "heat",
        "ends_at": local(ends_at),
    }
    assert plug_power(hass) == "on"
    status = (await call(hass, STATUS)).data
    assert status["session_running"] is True
    assert status["session"] == {
        "modality": "heat",
        "started_at": local(dt_util.utcnow()),
        "ends_at": local(ends_at),
    }
    assert status["sessions_today"] == 1
    assert status["next_session_allowed_now"] is False


@pytest.mark.parametrize(
    "entry_options", [{CONF_HEAT_HOURS_START: "08:00", CONF_HEAT_HOURS_END: "21:00"}]
)
@pytest.mark.usefixtures("assist_api")
async def test_rule_19_status_says_when_heat_is_allowed(hass: HomeAssistant) -> None:
    """Outside the heat hours the status says ice is allowed now and heat from 08:00 local time."""
    status = (await call(hass, STATUS)).data
    assert status["next_session_allowed_now"] is True
    assert status["heat_allowed_at"] == "2026-11-25T08:00:00-08:00"
    refused = await call(hass, START, modality="heat")
    assert refused.error is True
    assert plug_power(hass) == "off"


@pytest.mark.parametrize(
    ("languages", "texts"),
    [(("en", "en"), EN), (("de", "en"), DE), (("*", "de"), DE)],
    ids=["english", "german", "mcp_server_in_home_assistants_language"],
)
@pytest.mark.usefixtures("assist_api")
async def test_start_refused_during_skin_rest_is_an_error_result_in_the_askers_language(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    languages: tuple[str, str],
    texts: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """During the skin rest, start is refused like the action: an error result with the translated reason.

    ``languages``: the asker's, Home Assistant's. The MCP server asks in every
    language (``*``): the answer is in Home Assistant's.
    """
    language, hass.config.language = languages
    await action(hass, "log_session", modality="ice", minutes=15)
    allowed = view_of(init_integration).next_session_allowed
    assert allowed is not None
    result = await call(hass, START, language, modality="heat")
    assert result.error is True
    assert result.data == {
        "error": texts["exceptions"]["rest_gap_active"]["message"].format(
            allowed_at=moment_text(allowed, hours=clock_hours(texts["common"]))
        )
    }
    assert plug_power(hass) == "off"
    assert view_of(init_integration).running is None
    # A refusal is expected behaviour, never an ERROR in the log.
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    status = (await call(hass, STATUS, language)).data
    assert status["skin_rest"] is True
    assert status["next_session_allowed"] == local(allowed)
    assert status["guidance"] == texts["common"]["guidance_rest"]


@pytest.mark.usefixtures("assist_api")
async def test_arguments_the_action_refuses_are_an_error_result(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """An argument outside the action's schema is refused by the action, as an error result."""
    result = await call(hass, START, modality="fire")
    assert result.error is True
    assert "modality" in str(result.data["error"])
    assert view_of(init_integration).running is None
    assert plug_power(hass) == "off"


@pytest.mark.usefixtures("assist_api")
async def test_stop_ends_the_session_and_says_when_the_next_is_allowed(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Stop ends the running session through the action; the skin rest starts."""
    await action(hass, "start_session", modality="heat")
    assert plug_power(hass) == "on"
    result = await call(hass, STOP)
    assert result.error is False
    view = view_of(init_integration)
    assert view.running is None
    assert plug_power(hass) == "off"
    assert view.next_session_allowed == dt_util.utcnow() + timedelta(hours=2)
    assert result.data == {
        "success": True,
        "name": "Back recovery",
        "next_session_allowed": local(view.next_session_allowed),
    }


@pytest.mark.usefixtures("assist_api")
async def test_log_pain_logs_through_the_action_and_returns_its_refusals(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """log_pain goes through back_recovery.log_pain; its refusals come back translated as error results."""
    logged = async_capture_events(hass, RecoveryEvent.PAIN_LOGGED)
    result = await call(hass, LOG_PAIN, level=4, note="after the walk")
    assert result.error is False
    assert result.data == {
        "success": True,
        "name": "Back recovery",
        "pain_average_7d": None,
        "pain_trend": "insufficient_data",
        "review_recommended": False,
    }
    assert [event.data["level"] for event in logged] == [4]
    latest = view_of(init_integration).pain.latest
    assert latest is not None
    assert (latest.level, latest.note) == (4, "after the walk")
    status = (await call(hass, STATUS)).data
    assert status["latest_pain"] == {
        "level": 4,
        "recorded_at": local(dt_util.utcnow()),
    }

    now = dt_util.now().replace(tzinfo=None)
    for recorded_at, refusal in (
        (now + timedelta(hours=1), "recorded_at_in_future"),
        (datetime(2026, 11, 19, 12), "recorded_before_injury"),
    ):
        result = await call(
            hass, LOG_PAIN, level=5, recorded_at=recorded_at.isoformat()
        )
        assert result.error is True
        assert result.data == {"error": EN["exceptions"][refusal]["message"]}
    result = await call(hass, LOG_PAIN, level=11)
    assert result.error is True
    assert len(logged) == 1


@pytest.mark.usefixtures("assist_api")
async def test_the_question_intents_answer_as_tools(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The two question intents answer through their tools, in the asker's language."""
    result = await call(hass, LAST_HEAT)
    assert result.data == {
        "name": "Back recovery",
        "answer": EN["common"]["voice_last_heat_none"],
    }
    await action(hass, "log_session", modality="heat", minutes=15)
    allowed = view_of(init_integration).next_session_allowed
    assert allowed is not None
    result = await call(hass, NEXT_HEAT, "de")
    assert result.error is False
    assert result.data["answer"] == DE["common"]["voice_next_heat_rest"].format(
        allowed_at=moment_text(allowed, DE["common"])
    )


@pytest.mark.usefixtures("assist_api")
async def test_question_tools_answer_on_the_askers_clock(
    hass: HomeAssistant, init_integration: MockConfigEntry, asker: Asker
) -> None:
    """A question tool says times like the voice answer: the asker's time format, else the language's clock."""
    await action(hass, "log_session", modality="heat", minutes=15)
    allowed = view_of(init_integration).next_session_allowed
    assert allowed is not None
    texts = translations(asker.language)["common"]
    result = await call(hass, NEXT_HEAT, asker.language, asker.context)
    assert result.data["answer"] == texts["voice_next_heat_rest"].format(
        allowed_at=moment_text(allowed, texts, hours=asker.hours)
    )


@pytest.mark.usefixtures("assist_api")
async def test_tools_never_act_on_a_recovery_with_nothing_exposed(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """With none of its entities exposed, a recovery gets no tools and a held tool does not act on it."""
    api = await get_api(hass)
    start = our_tools(api)[START]
    expose_recovery(hass, ENTRY_ID, False)
    assert our_tools(await get_api(hass)) == {}

    result = await start.async_call(
        hass,
        llm.ToolInput(tool_name=START, tool_args={"modality": "heat"}),
        api.llm_context,
    )
    assert isinstance(result, llm.ToolResult)
    assert result.error is True
    assert result.data == {"error": EN["common"]["llm_no_recovery"]}
    assert plug_power(hass) == "off"
    assert view_of(init_integration).running is None


@pytest.mark.usefixtures("assist_api")
async def test_only_exposed_recoveries_count(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """A second recovery with nothing exposed is neither offered nor acted on."""
    second = await add_second_recovery(hass)
    expose_recovery(hass, SECOND_ENTRY_ID, False)
    api = await get_api(hass)
    assert "name" not in openapi(api, our_tools(api)[STOP]).get("properties", {})
    result = await call(hass, START, modality="ice")
    assert result.data["name"] == "Back recovery"
    assert view_of(init_integration).running is not None
    assert view_of(second).running is None


@pytest.mark.usefixtures("assist_api")
async def test_two_recoveries_take_a_name_and_offer_the_names(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """With two exposed recoveries, a tool without a name answers with the names; with one, it acts on that one."""
    second = await add_second_recovery(hass)
    expose_recovery(hass, SECOND_ENTRY_ID, True)
    api = await get_api(hass)
    for tool in our_tools(api).values():
        name = openapi(api, tool)["properties"]["name"]
        assert name["enum"] == ["Back recovery", "Anna"]
        assert "name" not in openapi(api, tool).get("required", [])

    names = ["Back recovery", "Anna"]
    cases: list[tuple[str, dict[str, Any]]] = [
        (STATUS, {}),
        (START, {"modality": "ice"}),
        (LAST_HEAT, {}),
    ]
    for tool_name, args in cases:
        result = await call(hass, tool_name, **args)
        assert result.error is True
        assert result.data == {
            "error": EN["common"]["llm_choose_recovery"].format(
                names="Back recovery, Anna"
            ),
            "names": names,
        }
    assert view_of(init_integration).running is None
    assert view_of(second).running is None

    result = await call(hass, START, name="anna", modality="ice")
    assert result.error is False
    assert result.data["name"] == "Anna"
    assert view_of(second).running is not None
    assert view_of(init_integration).running is None

    status = await call(hass, STATUS, name="Back recovery")
    assert status.data["name"] == "Back recovery"
    assert status.data["session_running"] is False

    result = await call(hass, STOP, "de", name="Ben")
    assert result.error is True
    assert result.data == {
        "error": DE["common"]["llm_unknown_recovery"].format(
            name="Ben", names="Back recovery, Anna"
        ),
        "names": names,
    }
    assert view_of(second).running is not None


@pytest.mark.usefixtures("init_integration")
async def test_no_tools_for_another_api(hass: HomeAssistant) -> None:
    """Back Recovery offers its tools to the Assist API only."""
    context = llm.LLMContext("test", Context(), "en", ASSISTANT, None)
    assert async_get_tools(hass, context, "another_api") is None


# Rule 10 and the truth while the pad heats (contract section of that name):
# what the tools say about the pad is what the plug does.


@pytest.mark.parametrize(("language", "texts"), [("en", EN), ("de", DE)])
@pytest.mark.usefixtures("assist_api")
async def test_rule_10_stop_while_the_plug_ignores_the_switch_off_says_to_unplug_the_pad(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    language: str,
    texts: dict[str, Any],
) -> None:
    """The stop tool: not success, but "I could not switch it off: unplug the heating pad"."""
    await action(hass, "start_session", modality="heat")
    await set_input_boolean(hass, PLUG_IGNORES, on=True)

    request = await waited(hass, freezer, call(hass, STOP, language), seconds=6)

    result = request.result()
    assert result.error is True
    assert result.data == {
        "error": texts["common"][NOT_SWITCHED_OFF],
        "heating_pad_may_heat": True,
    }
    assert plug_power(hass) == "on"


@pytest.mark.usefixtures("assist_api")
async def test_rule_10_turning_the_pad_off_through_the_intent_tool_says_to_unplug_it(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Home Assistant's HassTurnOff tool on the heating pad that ignores it: unplug it, not "Turned off"."""
    assert await async_setup_component(hass, "intent", {})
    await hass.async_block_till_done()
    await action(hass, "start_session", modality="heat")
    await set_input_boolean(hass, PLUG_IGNORES, on=True)

    request = await waited(
        hass, freezer, call(hass, "intent__HassTurnOff", name="Heating pad"), seconds=6
    )

    result = request.result()
    assert result.data["response_type"] == "error"
    assert result.data["speech"] == {
        "plain": {"speech": EN["common"][NOT_SWITCHED_OFF], "extra_data": None}
    }
    assert plug_power(hass) == "on"


@pytest.mark.usefixtures("assist_api")
async def test_rule_10_status_and_answers_say_the_pad_may_heat(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
) -> None:
    """Offline during heat, then a switch-off owed: the tools say heat may be on, never that it ended."""
    common = EN["common"]
    await action(hass, "start_session", modality="heat")
    started = dt_util.utcnow()
    status = (await call(hass, STATUS)).data
    assert status["heating_pad_may_heat"] is False
    assert status["heating_pad_warning"] is None

    # The plug drops off the network during heat.
    await set_input_boolean(hass, PLUG_ONLINE, on=False)
    status = (await call(hass, STATUS)).data
    assert status["heating_pad_may_heat"] is True
    assert status["heating_pad_warning"] == common["voice_heating_pad_may_heat"]

    # Back, ignoring the switch-off at the planned end: the switch-off is owed.
    await set_input_boolean(hass, PLUG_ONLINE, on=True)
    await set_input_boolean(hass, PLUG_IGNORES, on=True)
    await advance(hass, freezer, timedelta(minutes=21))
    assert plug_power(hass) == "on"
    status = (await call(hass, STATUS)).data
    assert status["session_running"] is True
    assert status["session"] == {
        "modality": "heat",
        "started_at": local(started),
        "ends_at": local(started + timedelta(minutes=20)),
    }
    assert status["skin_rest"] is False
    assert status["next_session_allowed"] is None
    assert status["next_session_allowed_now"] is False
    assert status["heating_pad_may_heat"] is True
    assert status["heating_pad_warning"] == common["voice_heating_pad_may_heat"]
    answer = (await call(hass, LAST_HEAT)).data["answer"]
    assert answer == common["voice_last_heat_switch_off_owed"]
    answer = (await call(hass, NEXT_HEAT)).data["answer"]
    assert answer == common["voice_next_heat_switch_off_owed"]

    # The plug obeys at last: heat ended now.
    await set_input_boolean(hass, PLUG_IGNORES, on=False)
    await advance(hass, freezer, timedelta(seconds=60))
    assert plug_power(hass) == "off"
    status = (await call(hass, STATUS)).data
    assert status["session_running"] is False
    assert status["heating_pad_may_heat"] is False
    assert status["heating_pad_warning"] is None
    assert status["last_heat_session"] == local(dt_util.utcnow())
    answer = (await call(hass, LAST_HEAT)).data["answer"]
    assert answer == common["voice_last_heat_just_now"]


# Activities the doctor cleared (contract "Activities and return to activity").


@pytest.mark.usefixtures("assist_api")
async def test_the_activity_tool_answers_for_an_own_activity_by_name(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """``activity`` may name one of the person's own activities; an unknown one is said so."""
    hass.config_entries.async_update_entry(
        init_integration,
        options={**init_integration.options, CONF_OWN_ACTIVITIES: ["Cycling"]},
    )
    await hass.async_block_till_done()
    await action(
        hass,
        "record_clearance",
        activity="own_activity",
        name="Cycling",
        by="Physio Sam",
    )
    data = (await call(hass, ACTIVITY, activity="cycling")).data
    assert data == {
        "name": "Back recovery",
        "answer": "Cycling: cleared by Physio Sam on 25 November.",
    }
    data = (await call(hass, ACTIVITY, activity="swimming")).data
    assert data["answer"] == (
        "I know no activity called swimming. The activities are: running and "
        "jumping, contact sports, heavy lifting, Cycling."
    )
    data = (await call(hass, ACTIVITY, "de", activity="heavy_lifting")).data
    assert str(data["answer"]).startswith("Schweres Heben: keine Freigabe")


@pytest.mark.usefixtures("assist_api")
async def test_get_status_includes_each_clearance(hass: HomeAssistant) -> None:
    """``back_recovery__get_status`` lists every activity with its clearance and its sentence."""
    await action(
        hass,
        "record_clearance",
        activity="contact_sports",
        cleared_on="2026-11-21",
        by="Dr. Lee",
    )
    data: Any = (await call(hass, STATUS)).data
    by_activity = {item["activity"]: item for item in data["activities"]}
    assert by_activity["contact_sports"] == {
        "activity": "contact_sports",
        "name": None,
        "status": "cleared",
        "cleared_on": "2026-11-21",
        "cleared_by": "Dr. Lee",
        "withdrawn_on": None,
        "answer": "Contact sports: cleared by Dr. Lee on 21 November.",
    }
    assert by_activity["high_impact"]["status"] == "avoid"
