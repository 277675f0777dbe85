"""The recovery's config subentries (exercises, medicines): entities for each, without a reload.

Home Assistant calls the entry's update listener when a subentry is added,
changed or removed, and removes a removed subentry's entities and device by
itself. A reload would end a running heat session (rule 9: an unload
switches the plug off), so a subentry never reloads the entry: the platforms
add the entities of a new subentry (``async_track_subentries``) and the
recorded parts read the subentries again (``RecoveryRecords.new_day``, called
on every update of the entry).

A renamed subentry (its title is the exercise's or the medicine's name) also
renames its device at once (``async_subentries_changed``): Home Assistant
reads an entity's device info only when the entity is added, so without this
the device, and every entity named after it, would keep the old name until
the next start. Entity ids never change (Home Assistant never renames them by
itself), and a name the person gave the device (``name_by_user``) is kept.
"""

from __future__ import annotations

from collections.abc import Callable

from homeassistant.config_entries import ConfigEntry, ConfigSubentry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.dispatcher import (
    async_dispatcher_connect,
    async_dispatcher_send,
)

from .const import DOMAIN


def _signal(entry_id: str) -> str:
    """Return the dispatcher signal for a change of the entry's subentries."""
    return f"{DOMAIN}_subentries_{entry_id}"


@callback
def async_track_subentries(
    hass: HomeAssistant,
    entry: ConfigEntry,
    subentry_type: str,
    add: Callable[[ConfigSubentry], None],
) -> None:
    """Call ``add`` for each subentry of ``subentry_type`` now and for each added later.

    Until the entry unloads; each subentry is given once.
    """
    known: set[str] = set()

    @callback
    def _check() -> None:
        for subentry in list(entry.subentries.values()):
            if (
                subentry.subentry_type == subentry_type
                and subentry.subentry_id not in known
            ):
                known.add(subentry.subentry_id)
                add(subentry)

    _check()
    entry.async_on_unload(
        async_dispatcher_connect(hass, _signal(entry.entry_id), _check)
    )


@callback
def async_subentries_changed(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Tell the platforms of ``entry`` that its subentries may have changed.

    First each subentry's device takes the subentry's title as its name;
    the entities on it are shown again with it by Home Assistant.
    """
    _async_name_devices(hass, entry)
    async_dispatcher_send(hass, _signal(entry.entry_id))


@callback
def _async_name_devices(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Give each subentry's device (identifier: the subentry id) the subentry's title.

    Only the integration's ``name`` changes, as Home Assistant changes it
    from the device info on the next start; ``name_by_user`` (a name the
    person gave the device) is left alone and still shown in its place.
    """
    registry = dr.async_get(hass)
    for subentry in entry.subentries.values():
        device = registry.async_get_device_by_identifier(
            (DOMAIN, subentry.subentry_id), entry.entry_id
        )
        if device is not None and device.name != subentry.title:
            registry.async_update_device(device.id, name=subentry.title)
