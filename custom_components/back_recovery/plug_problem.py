"""The heating pad's problem sensor: on while the plug has not confirmed a switch-off.

Contract rules 5 and 10 raise the repair issue ``heating_pad_unreachable`` or
``heating_pad_not_responding`` while a switch-off waits for the plug. A repair
issue shows only under Settings → Repairs; this binary sensor (device class
``problem``) shows the same on the dashboard, where the person looks, with
the translated state "Unplug the heating pad". It follows the issue registry
itself, so it is on exactly while either issue stands, whoever raised it.
"""

from __future__ import annotations

from homeassistant.components.binary_sensor import (
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.components.binary_sensor.const import BinarySensorDeviceClass
from homeassistant.core import Event, callback
from homeassistant.helpers import issue_registry as ir

from .const import (
    DOMAIN,
    ISSUE_HEATING_PAD_NOT_RESPONDING,
    ISSUE_HEATING_PAD_UNREACHABLE,
    issue_id,
)
from .data import BackRecoveryConfigEntry
from .entity import BackRecoveryEntity

HEATING_PAD_PROBLEM = BinarySensorEntityDescription(
    key="heating_pad_problem",
    device_class=BinarySensorDeviceClass.PROBLEM,
)

REASONS = {
    ISSUE_HEATING_PAD_NOT_RESPONDING: "not_responding",
    ISSUE_HEATING_PAD_UNREACHABLE: "unreachable",
}
"""The repair issues that turn the sensor on, and the ``reason`` attribute each gives."""


class HeatingPadProblemSensor(BackRecoveryEntity, BinarySensorEntity):
    """On while the plug has not confirmed a switch-off (rules 5 and 10).

    Not a diagnostic entity: it tells the person to unplug the pad, so it
    belongs with the controls. Attribute ``reason``: ``not_responding``
    (reachable, still on) or ``unreachable``; absent while off.
    """

    # It shows the repair issues, not the recovery's view.
    _follows_recovery = False

    def __init__(
        self, entry: BackRecoveryConfigEntry, description: BinarySensorEntityDescription
    ) -> None:
        """Follow the two plug issues of ``entry``."""
        super().__init__(entry, description)
        self._issue_ids = {
            issue_id(key, entry.entry_id): reason for key, reason in REASONS.items()
        }

    async def async_added_to_hass(self) -> None:
        """Follow the repair issues as they are raised and deleted."""
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
        return None

    @property
    def is_on(self) -> bool:
        """Whether a switch-off waits for the plug: unplug the heating pad."""
        return self._reason is not None

    @property
    def extra_state_attributes(self) -> dict[str, str] | None:
        """Why: ``not_responding`` or ``unreachable``; nothing while off."""
        reason = self._reason
        return {"reason": reason} if reason is not None else None
