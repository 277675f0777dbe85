"""The rest removed recoveries left on their plugs and their people, kept for the whole integration.

A recovery's history is its own ``Store`` and goes when the recovery is
removed; the skin it heated or cooled still needs its rest (rules 2, 6, 7,
12). So the removal leaves, in one small store for the domain
(``back_recovery.plug_rest``), when its last session ended and of what
(``therapy.PlugRest``), under its plug and under its person. The person is
kept as the sha256 of the casefolded name and the injury date
(``therapy.person_key``), never the name. Every load of a recovery of that
plug or that person (a new one, a reload, a plug picked later in the
reconfigure or repair flow) continues the rest gap from then. An end older
than the longest rest gap the options allow (1440 minutes) is dropped: it
cannot shorten any rest gap. Nothing else of the person is kept.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any, Final

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util
from homeassistant.util.hass_dict import HassKey

from ..const import (
    CONF_INJURY_DATE,
    CONF_NAME,
    DOMAIN,
    PLUG_REST_STORAGE_KEY,
    PLUG_REST_STORAGE_VERSION,
)
from ..options import REST_GAP_MINUTES
from ..plug_entity import configured_plug
from ..therapy import (
    PlugKeys,
    PlugRest,
    PlugRestBook,
    RestKeys,
    TherapyLog,
    person_key,
    rest_left_behind,
)

KEEP: Final = timedelta(minutes=REST_GAP_MINUTES.maximum)
"""How long an end is kept: the longest rest gap the options allow."""
_LOCK: HassKey[asyncio.Lock] = HassKey(f"{DOMAIN}_plug_rest_lock")


def plug_keys(hass: HomeAssistant, entity_id: str) -> PlugKeys:
    """Return what names the plug: its entity id and its registry's ``platform:unique_id``.

    The unique id survives a renamed entity id; a device id is not used, as
    the outlets of one power strip share it.
    """
    entry = er.async_get(hass).async_get(entity_id)
    return PlugKeys(entity_id, f"{entry.platform}:{entry.unique_id}" if entry else None)


def rest_keys(hass: HomeAssistant, entry: ConfigEntry) -> RestKeys:
    """Return whose rest it is: the entry's plug (if any) and its person.

    The person is ``therapy.person_key`` of the name and the injury date
    (the config flow's "same person"); ``None`` when either is missing.
    """
    name, injury = entry.data.get(CONF_NAME), entry.data.get(CONF_INJURY_DATE)
    plug = configured_plug(entry)
    return RestKeys(
        plug_keys(hass, plug) if plug else None,
        person_key(str(name), str(injury)) if name and injury else None,
    )


async def async_remember_rest(
    hass: HomeAssistant, entry: ConfigEntry, histories: Iterable[Mapping[str, Any]]
) -> None:
    """Keep where the skin's rest starts under the plug and the person of ``entry``, which is removed.

    ``histories`` are the recovery's stored histories (``store.async_read_histories``);
    one that cannot be read is left out. A switch-off still owed counts from
    now, the removal (``therapy.rest_left_behind``). Nothing is kept without
    a session.
    """
    now = dt_util.utcnow()
    rests: list[PlugRest] = []
    for data in histories:
        log = TherapyLog()
        try:
            log.restore(data)
        except KeyError, TypeError, ValueError, AttributeError, OverflowError:
            continue
        if (rest := rest_left_behind(log, now)) is not None:
            rests.append(rest)
    if not rests:
        return
    latest = max(rests, key=lambda rest: rest.ended)
    async with hass.data.setdefault(_LOCK, asyncio.Lock()):
        store, book = await _async_open(hass)
        await _async_write(
            store, book.remember(rest_keys(hass, entry), latest, now, KEEP)
        )


async def async_recall_rest(hass: HomeAssistant, entry: ConfigEntry) -> PlugRest | None:
    """Return the latest rest a removed recovery left on the plug or the person of ``entry`` that still matters now.

    On every load of a recovery, whatever its own history. Ends older than
    ``KEEP`` are dropped from the store on the way.
    """
    keys = rest_keys(hass, entry)
    if keys.plug is None and keys.person is None:
        return None
    now = dt_util.utcnow()
    async with hass.data.setdefault(_LOCK, asyncio.Lock()):
        store, book = await _async_open(hass)
        if (pruned := book.pruned(now, KEEP)) != book:
            await _async_write(store, pruned)
        return pruned.recall(keys, now, KEEP)


async def _async_open(
    hass: HomeAssistant,
) -> tuple[Store[dict[str, Any]], PlugRestBook]:
    """Open the domain's store and read it; what cannot be read counts as empty."""
    store: Store[dict[str, Any]] = Store(
        hass, PLUG_REST_STORAGE_VERSION, PLUG_REST_STORAGE_KEY
    )
    try:
        data = await store.async_load()
    except HomeAssistantError, NotImplementedError, ValueError, TypeError:
        return store, PlugRestBook()
    return store, PlugRestBook.from_dict(data) if isinstance(
        data, Mapping
    ) else PlugRestBook()


async def _async_write(store: Store[dict[str, Any]], book: PlugRestBook) -> None:
    """Save the book; an empty one removes the file."""
    if book.rests:
        await store.async_save(book.as_dict())
    else:
        await store.async_remove()
