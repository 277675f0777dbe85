"""Binary sensors: session, skin rest, pain review recommended, heating pad to unplug.

The first three read the recovery's recovery. The heating pad's problem sensor
(only with a plug) is on while the plug has not confirmed a switch-off:
contract rules 5 and 10 raise the repair issue ``heating_pad_unreachable`` or
``heating_pad_not_responding`` while a switch-off waits for the plug. A repair
issue shows only under Settings → Repairs; this binary sensor (device class
``problem``) shows the same on the dashboard, where the person looks, with
the translated state "Unplug the heating pad". It follows the issue registry
itself, so it is on while either issue stands, whoever raised it; and it is
on at once when the plug becomes unreachable during a heat session (reason
``may_still_be_heating``), not only from the planned end, when the issue
``heating_pad_unreachable`` follows (rule 5). A plug that keeps switching
itself on (rule 16, issue ``heating_pad_switches_itself_on``) turns it on too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.components.binary_sensor import (
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.components.binary_sensor.const import BinarySensorDeviceClass
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .activity_entities import async_add_activity_binary_sensors
from .const import (
    DOMAIN,
    ISSUE_HEATING_PAD_NOT_RESPONDING,
    ISSUE_HEATING_PAD_SWITCHES_ITSELF_ON,
    ISSUE_HEATING_PAD_UNREACHABLE,
    issue_id,
)
from .data import BackRecoveryConfigEntry
from .engine import RecoveryState
from .entity import BackRecoveryEntity
from .therapy import Modality, round_for_display

PARALLEL_UPDATES = 0


@dataclass(kw_only=True, frozen=True)
class RecoveryBinarySensorDescription(BinarySensorEntityDescription):
    """A binary sensor and how to read it from the recovery."""

    is_on_fn: Callable[[RecoveryState], bool]
    attributes_fn: Callable[[RecoveryState], dict[str, Any]] | None = None


def _review_attributes(recovery: RecoveryState) -> dict[str, Any]:
    """Why the review is recommended: ``reason`` and the numbers behind it, rounded to 1 decimal.

    ``reason``: ``baseline`` (42 or more days after the injury, the 7-day
    average has not fallen 2 points or 30 % below the baseline),
    ``worsening`` (the trend worsened on each of the last 14 days), or
    ``None`` while off; the baseline clause wins when both hold.
    """
    review = recovery.pain.review
    reason = None
    if review.by_baseline:
        reason = "baseline"
    elif review.by_worsening:
        reason = "worsening"
    return {
        "reason": reason,
        "baseline": round_for_display(review.baseline),
        "average": round_for_display(review.average),
    }


BINARY_SENSORS: tuple[RecoveryBinarySensorDescription, ...] = (
    RecoveryBinarySensorDescription(
        key="session_active",
        device_class=BinarySensorDeviceClass.RUNNING,
        # On while heat may be on the skin too (a switch-off not confirmed).
        is_on_fn=lambda recovery: recovery.session_active,
    ),
    RecoveryBinarySensorDescription(
        key="skin_rest",
        is_on_fn=lambda recovery: (
            recovery.skin_resting and not recovery.switch_off_owed
        ),
    ),
    RecoveryBinarySensorDescription(
        key="review_recommended",
        device_class=BinarySensorDeviceClass.PROBLEM,
        is_on_fn=lambda recovery: recovery.pain.review.recommended,
        attributes_fn=_review_attributes,
    ),
)


HEATING_PAD_PROBLEM = BinarySensorEntityDescription(
    key="heating_pad_problem",
    device_class=BinarySensorDeviceClass.PROBLEM,
)

HEATING_PAD_PROBLEM_REASONS = {
    ISSUE_HEATING_PAD_NOT_RESPONDING: "not_responding",
    ISSUE_HEATING_PAD_UNREACHABLE: "unreachable",
    ISSUE_HEATING_PAD_SWITCHES_ITSELF_ON: "switches_itself_on",
}
"""The repair issues that turn the sensor on, and the ``reason`` attribute each gives."""

MAY_STILL_BE_HEATING = "may_still_be_heating"
"""The ``reason`` while heat runs and the plug cannot be reached: no issue stands yet."""


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BackRecoveryConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the binary sensors of one recovery."""
    async_add_entities(
        RecoveryBinarySensor(entry, description) for description in BINARY_SENSORS
    )
    if entry.runtime_data.engine.plug_entity_id is not None:
        async_add_entities([HeatingPadProblemSensor(entry, HEATING_PAD_PROBLEM)])
    async_add_activity_binary_sensors(hass, entry, async_add_entities)


class RecoveryBinarySensor(BackRecoveryEntity, BinarySensorEntity):
    """A binary sensor presenting one fact of the recovery."""

    entity_description: RecoveryBinarySensorDescription

    @property
    def is_on(self) -> bool:
        """Whether the fact holds now."""
        return self.entity_description.is_on_fn(self.recovery)

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Details, where the binary sensor has any."""
        if self.entity_description.attributes_fn is None:
            return None
        return self.entity_description.attributes_fn(self.recovery)


# The heating pad to unplug: follows the plug's repair issues.


class HeatingPadProblemSensor(BackRecoveryEntity, BinarySensorEntity):
    """On while the plug has not confirmed a switch-off (rules 5 and 10), or may heat unreachable.

    Not a diagnostic entity: it tells the person to unplug the pad, so it
    belongs with the controls. Attribute ``reason``: ``not_responding``
    (reachable, still on), ``unreachable`` (a switch-off waits for it),
    ``switches_itself_on`` (rule 16), or ``may_still_be_heating`` (heat runs
    and the plug cannot be reached); absent while off.
    """

    def __init__(
        self, entry: BackRecoveryConfigEntry, description: BinarySensorEntityDescription
    ) -> None:
        """Follow the two plug issues of ``entry``."""
        super().__init__(entry, description)
        self._issue_ids = {
            issue_id(key, entry.entry_id): reason
            for key, reason in HEATING_PAD_PROBLEM_REASONS.items()
        }

    async def async_added_to_hass(self) -> None:
        """Follow the recovery, and the repair issues as they are raised and deleted."""
        await super().async_added_to_hass()

        @callback
        def ours(data: ir.EventIssueRegistryUpdatedData) -> bool:
            return data["domain"] == DOMAIN and data["issue_id"] in self._issue_ids

        @callback
        def changed(_event: Event[ir.EventIssueRegistryUpdatedData]) -> None:
            self._async_show()

        self.async_on_remove(
            self.hass.bus.async_listen(
                ir.EVENT_REPAIRS_ISSUE_REGISTRY_UPDATED, changed, event_filter=ours
            )
        )

    @property
    def _reason(self) -> str | None:
        registry = ir.async_get(self.hass)
        for issue, reason in self._issue_ids.items():
            if registry.async_get_issue(DOMAIN, issue) is not None:
                return reason
        recovery = self.recovery
        running = recovery.running
        if (
            running is not None
            and running.modality is Modality.HEAT
            and not recovery.plug_available
        ):
            return MAY_STILL_BE_HEATING
        return None

    @property
    def is_on(self) -> bool:
        """Whether a switch-off waits for the plug: unplug the heating pad."""
        return self._reason is not None

    @property
    def extra_state_attributes(self) -> dict[str, str] | None:
        """Why: ``not_responding``, ``unreachable`` or ``may_still_be_heating``; nothing while off."""
        reason = self._reason
        return {"reason": reason} if reason is not None else None
