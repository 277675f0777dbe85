"""The rehabilitation programme's entities: today's to-do list, the adherence, each exercise's response.

All read the programme's ``ExerciseStatus`` (``engine.records.exercises``)
and are shown again on each change of the recovery, never on the minute
tick. They are absent until the first exercise is added (contract "The rest
of the recovery"); the to-do list and the adherence hang off the recovery's
device, each exercise's response off a device of its own, named after it.
"""

from __future__ import annotations

from typing import Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.components.todo.const import TodoItemStatus, TodoListEntityFeature
from homeassistant.components.todo.entity import TodoItem, TodoListEntity
from homeassistant.config_entries import ConfigSubentry
from homeassistant.const import PERCENTAGE
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import DOMAIN, SUBENTRY_EXERCISE, unique_id
from .data import BackRecoveryConfigEntry
from .engine import ExerciseItem, ExerciseProgramme, ExerciseStatus
from .entity import BackRecoveryEntity
from .subentries import async_track_subentries
from .texts import cached_texts
from .therapy import Exercise, Response

TODO = EntityDescription(key="exercises_today")
ADHERENCE = SensorEntityDescription(
    key="exercise_adherence_7d",
    native_unit_of_measurement=PERCENTAGE,
    state_class=SensorStateClass.MEASUREMENT,
)
RESPONSE = SensorEntityDescription(
    key="exercise_response",
    device_class=SensorDeviceClass.ENUM,
    options=[Response.GREEN.value, Response.AMBER.value, Response.RED.value],
)


def _programme(entry: BackRecoveryConfigEntry) -> ExerciseProgramme:
    programme = entry.runtime_data.engine.records.exercises
    if programme is None:  # set up in async_setup_entry before the platforms
        raise RuntimeError("the rehabilitation programme is not set up")
    return programme


@callback
def async_setup_exercise_sensors(
    hass: HomeAssistant,
    entry: BackRecoveryConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the adherence with the first exercise, and each exercise's response on its device."""
    added_adherence = False

    @callback
    def add(subentry: ConfigSubentry) -> None:
        nonlocal added_adherence
        if not added_adherence:
            added_adherence = True
            async_add_entities([ExerciseAdherenceSensor(entry, ADHERENCE)])
        async_add_entities(
            [ExerciseResponseSensor(entry, subentry)],
            config_subentry_id=subentry.subentry_id,
        )

    async_track_subentries(hass, entry, SUBENTRY_EXERCISE, add)


@callback
def async_setup_exercise_todo(
    hass: HomeAssistant,
    entry: BackRecoveryConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add today's to-do list with the first exercise."""
    added = False

    @callback
    def add(_subentry: ConfigSubentry) -> None:
        nonlocal added
        if not added:
            added = True
            async_add_entities([ExercisesTodayList(entry, TODO)])

    async_track_subentries(hass, entry, SUBENTRY_EXERCISE, add)


class _ProgrammeEntity(BackRecoveryEntity):
    """An entity of the programme: it shows the programme's status."""

    def __init__(
        self, entry: BackRecoveryConfigEntry, description: EntityDescription
    ) -> None:
        """Present ``description`` of the entry's programme."""
        super().__init__(entry, description)
        self.programme = _programme(entry)

    @property
    def status(self) -> ExerciseStatus:
        """What the programme shows now."""
        return self.programme.status


class ExerciseAdherenceSensor(_ProgrammeEntity, SensorEntity):
    """``exercise_adherence_7d``: completed over due in the last 7 local days, in %."""

    @property
    def native_value(self) -> int | None:
        """Whole percent; unknown when nothing was due."""
        return self.status.adherence_7d


class ExerciseResponseSensor(_ProgrammeEntity, SensorEntity):
    """``…_response`` of one exercise: green, amber, red; unknown without pain given.

    Its attributes show the prescription as entered: the target, the pain
    rule, the therapist's instructions and progression note (shown, never
    acted on).
    """

    _unrecorded_attributes = frozenset({"instructions", "progression_note"})

    def __init__(
        self, entry: BackRecoveryConfigEntry, subentry: ConfigSubentry
    ) -> None:
        """Present the response of the exercise ``subentry`` on its own device."""
        super().__init__(entry, RESPONSE)
        self.exercise_id = subentry.subentry_id
        self._attr_unique_id = unique_id(
            entry.entry_id, f"{subentry.subentry_id}_{RESPONSE.key}"
        )
        self._attr_device_info = DeviceInfo(
            entry_type=DeviceEntryType.SERVICE,
            identifiers={(DOMAIN, subentry.subentry_id)},
            name=subentry.title,
        )

    def _exercise(self) -> Exercise | None:
        return next(
            (e for e in self.status.exercises if e.exercise_id == self.exercise_id),
            None,
        )

    @property
    def native_value(self) -> str | None:
        """The response; ``None`` (unknown) before a session with pain given."""
        response = self.status.responses.get(self.exercise_id, Response.UNKNOWN)
        return None if response is Response.UNKNOWN else response.value

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """``target`` ("3 × 30 s, each side"), ``pain_rule``, ``max_pain_during``, ``instructions``, ``progression_note``."""
        if (exercise := self._exercise()) is None:
            return {}
        return {
            "target": target_text(self.hass, exercise),
            "pain_rule": exercise.pain_rule.value,
            "max_pain_during": exercise.max_pain_during,
            "instructions": exercise.instructions,
            "progression_note": exercise.progression_note,
        }


def target_text(hass: HomeAssistant, exercise: Exercise) -> str:
    """Say an exercise's target in Home Assistant's language ("3 × 30 s, each side")."""
    return exercise.target.text(cached_texts(hass).get("exercise_each_side", ""))


class ExercisesTodayList(_ProgrammeEntity, TodoListEntity):
    """``exercises_today``: one item per exercise and time of day due today.

    Checking an item logs it as done as prescribed; unchecking removes that
    log; yesterday's open items stay until local noon and count for
    yesterday. Nothing can be added or deleted here (the programme is the
    therapist's: exercises are added on the integration page), and an item's
    text cannot be changed.
    """

    _attr_supported_features = TodoListEntityFeature.UPDATE_TODO_ITEM

    def _what_is_shown(self) -> tuple[object, ...]:
        """Also the items: an open to-do card gets them when the state is written.

        An exercise renamed or given a new target changes its items but not
        their count (the state), and is shown at once all the same.
        """
        return (*super()._what_is_shown(), tuple(self.todo_items))

    @property
    def todo_items(self) -> list[TodoItem]:
        """Today's items, then yesterday's still open (until local noon)."""
        return [self._item(item) for item in self.status.items]

    def _item(self, item: ExerciseItem) -> TodoItem:
        texts = cached_texts(self.hass)
        occurrence = item.occurrence
        exercise = occurrence.exercise
        summary = exercise.name
        if exercise.times_per_day > 1:
            summary = texts.get(
                "exercise_time_of_day", "{name} ({slot}/{times})"
            ).format(name=summary, slot=occurrence.slot, times=exercise.times_per_day)
        if item.yesterday:
            summary = texts.get("exercise_yesterday", "{name}").format(name=summary)
        return TodoItem(
            uid=occurrence.uid,
            summary=summary,
            description=target_text(self.hass, exercise),
            due=occurrence.day,
            status=TodoItemStatus.COMPLETED
            if item.done
            else TodoItemStatus.NEEDS_ACTION,
        )

    async def async_update_todo_item(self, item: TodoItem) -> None:
        """Check or uncheck an item; any other change is refused (``exercise_item_fixed``)."""
        current = next(
            (i for i in self.todo_items if item.uid is not None and i.uid == item.uid),
            None,
        )
        if current is None or item.uid is None:
            raise ServiceValidationError(
                translation_domain=DOMAIN, translation_key="exercise_item_unknown"
            )
        if item.summary not in (None, current.summary) or item.description not in (
            None,
            current.description,
        ):
            raise ServiceValidationError(
                translation_domain=DOMAIN, translation_key="exercise_item_fixed"
            )
        await self.programme.async_set_done(
            item.uid, item.status == TodoItemStatus.COMPLETED
        )
