"""Back Recovery: a safe heating pad and a visible recovery after a lower-back stress fracture."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.typing import ConfigType

from .const import (
    CONF_PLUG_AUTO_OFF,
    DOMAIN,
    ISSUE_PAIN_NOT_IMPROVING,
    ISSUE_PLUG_AUTO_OFF_NOT_SET,
    ISSUE_STORAGE_NOT_WRITABLE,
    PLATFORMS,
)
from .data import BackRecoveryConfigEntry, BackRecoveryData
from .engine import (
    ActivityClearances,
    BraceRecord,
    ExerciseProgramme,
    MorningCheckIn,
    RecoveryEngine,
    async_read_histories,
    async_remember_rest,
    async_remove_history,
    attach_medication,
)
from .exercise_services import async_setup_exercise_services
from .issues import async_clear_issue
from .late_off import async_alarm_removed, async_delete_left_issues, async_watched
from .log_filter import install_refusal_filter
from .medication_services import async_setup_medication_services
from .plug_entity import async_give_plug_back, async_track_plug
from .report_service import async_setup_report
from .services import async_setup_services
from .subentries import async_subentries_changed
from .voice.aliases import async_suggest_voice_aliases

# Recoveries are added in the UI only. An empty ``back_recovery:`` in the
# YAML loads the integration at start, before any recovery is added, so its
# voice questions answer "no back recovery is set up yet" rather than "unknown
# intent" (the development configuration has it); parameters are logged.
CONFIG_SCHEMA = cv.empty_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the actions and the report's view once for all entries; keep refusals out of the ERROR log.

    Alarm issues left inactive by a restart for recoveries deleted since are
    deleted (``late_off.async_delete_left_issues``).
    """
    async_setup_services(hass)
    async_setup_report(hass)
    async_setup_exercise_services(hass)
    async_setup_medication_services(hass)
    install_refusal_filter()
    async_delete_left_issues(hass)
    return True


async def async_setup_entry(
    hass: HomeAssistant, entry: BackRecoveryConfigEntry
) -> bool:
    """Load one person's recovery: the engine first, then the platforms that show it.

    A setup that fails after the engine has loaded unloads the engine again
    (listeners, timers, the shutdown job); a normal unload is
    ``async_unload_entry``'s, so the engine unloads once either way.
    """
    engine = RecoveryEngine(hass, entry)
    engine.records.brace = engine.records.add(BraceRecord(hass, entry, engine.records))
    entry.async_on_unload(
        engine.records.add(MorningCheckIn(hass, entry, engine)).async_stop
    )
    engine.records.exercises = engine.records.add(
        ExerciseProgramme(hass, entry, engine)
    )
    engine.records.medication = attach_medication(
        hass, entry, engine.records, engine.hub
    )
    engine.records.activities = engine.records.add(
        ActivityClearances(hass, entry, engine.records.async_changed)
    )
    entry.runtime_data = BackRecoveryData(
        engine, title=entry.title, data=dict(entry.data)
    )
    await engine.async_load()
    try:
        async_track_plug(hass, entry, engine.plug_entity_id)
        entry.async_on_unload(entry.add_update_listener(_async_entry_updated))
        entry.async_on_unload(async_suggest_voice_aliases(hass, entry))
        await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    except BaseException:
        await engine.async_unload()
        raise
    return True


async def _async_entry_updated(
    hass: HomeAssistant, entry: BackRecoveryConfigEntry
) -> None:
    """Reload for a new name, injury date or plug; options and subentries apply without one.

    Without an auto-off, its repair issue has nothing left to fix (rule 15).
    """
    if not entry.options.get(CONF_PLUG_AUTO_OFF):
        async_clear_issue(hass, ISSUE_PLUG_AUTO_OFF_NOT_SET, entry.entry_id)
    runtime = entry.runtime_data
    if entry.title != runtime.title or dict(entry.data) != runtime.data:
        hass.config_entries.async_schedule_reload(entry.entry_id)
        return
    # New options or subentries: no reload, which would end a heat session.
    runtime.engine.async_options_updated()
    async_subentries_changed(hass, entry)


async def async_unload_entry(
    hass: HomeAssistant, entry: BackRecoveryConfigEntry
) -> bool:
    """Switch the plug off first (a heat session ends 'unloaded'), then unload."""
    await entry.runtime_data.engine.async_unload()
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_remove_entry(
    hass: HomeAssistant, entry: BackRecoveryConfigEntry
) -> None:
    """Give the plug back to the dashboard and forget the history and the issues.

    The alarm of a plug not confirmed off (its issues, the notification
    "Unplug the heating pad") stays until the plug reports off
    (``late_off``, rule 10); a plug that is off takes it along now.

    Only when the last session ended, and of what, stays (for the longest
    rest gap at most), under the plug and a hash of the person's name and
    injury date: a recovery of that plug or that person continues the skin's
    rest (rules 2, 7, 12; ``engine.plug_memory``).
    """
    histories = await async_read_histories(hass, entry.entry_id)
    await async_remember_rest(hass, entry, histories)
    async_give_plug_back(hass, entry, may_heat=async_watched(hass, entry.entry_id))
    async_alarm_removed(hass, entry.entry_id)
    async_clear_issue(hass, ISSUE_STORAGE_NOT_WRITABLE, entry.entry_id)
    async_clear_issue(hass, ISSUE_PAIN_NOT_IMPROVING, entry.entry_id)
    async_clear_issue(hass, ISSUE_PLUG_AUTO_OFF_NOT_SET, entry.entry_id)
    await async_remove_history(hass, entry.entry_id)
