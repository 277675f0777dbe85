"""One entry's stored history: load, recover, move aside, save, remove.

Nothing is lost across restarts (contract rule 8). Data that cannot be read
is never fatal and never overwritten: it stays in its file and the history
goes on in ``<key>.recovered``. A history that cannot be read, or a file that
Home Assistant's ``Store`` found corrupt and moved aside, is an unknown
history: a rest gap may run that it would show, so for a whole rest gap from
the load a plug switched on from outside (found on, or reporting late) is
switched off again (``therapy.restart.reconcile``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
import logging
import os
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from ..const import (
    ISSUE_STORAGE_NOT_WRITABLE,
    STORAGE_MINOR_VERSION,
    STORAGE_VERSION,
    storage_key,
)
from ..issues import async_clear_issue, async_raise_issue

_LOGGER = logging.getLogger(__name__)

type Restore = Callable[[Mapping[str, Any]], None]
"""Takes stored data into the model; raises on malformed data and changes nothing then."""


def storage_keys(entry_id: str) -> tuple[str, str]:
    """Return the storage keys of an entry: its history and the recovered history."""
    key = storage_key(entry_id)
    return key, f"{key}.recovered"


class RecoveryStore(Store[dict[str, Any]]):
    """Versioned storage of one entry's history; remembers whether the last write failed."""

    write_error: Exception | None = None
    _migrated = False

    async def _async_migrate_func(
        self,
        old_major_version: int,
        old_minor_version: int,
        old_data: dict[str, Any],
    ) -> dict[str, Any]:
        """Migrate stored data; a newer major version cannot be read.

        Minor version 1 had no pain diary: it gets an empty one (``pain``);
        minor version 2 had no recorded parts (``records``: exercises,
        medicines, the brace, activities): it gets none.
        """
        if old_major_version > STORAGE_VERSION:
            raise NotImplementedError
        self._migrated = True
        if old_minor_version < 2 and isinstance(old_data, dict):
            old_data = {"pain": {"entries": []}, **old_data}
        if old_minor_version < 3 and isinstance(old_data, dict):
            old_data = {"records": {}, **old_data}
        return old_data

    async def async_load(self) -> dict[str, Any] | None:
        """Load (and migrate) the stored data.

        Only a save made while loading can be skipped (``async_save``): a
        migration that Home Assistant did not write back never costs a later
        save, such as a session's planned end (contract rule 3).
        """
        try:
            return await super().async_load()
        finally:
            self._migrated = False

    async def async_save(self, data: dict[str, Any]) -> None:
        """Save ``data``; not the copy ``Store`` writes right after a migration.

        The migrated data is not restored yet: data that cannot be read is
        never overwritten. The next save writes it, with the new version.
        """
        if self._migrated:
            self._migrated = False
            return
        await super().async_save(data)

    async def _async_write_data(self, data: dict[str, Any]) -> None:
        """Write, and remember the outcome: ``Store`` only logs a failed write."""
        try:
            await super()._async_write_data(data)
        except Exception as err:
            self.write_error = err
            raise
        self.write_error = None


class HistoryStorage:
    """Where one entry's history lives."""

    def __init__(self, hass: HomeAssistant, entry_id: str, title: str) -> None:
        """Prepare the entry's store; nothing is read yet."""
        self._hass = hass
        self._entry_id = entry_id
        self._title = title
        key, self._recovered_key = storage_keys(entry_id)
        self._store = self._open(key)
        self.history_unknown = False

    def _open(self, key: str) -> RecoveryStore:
        return RecoveryStore(
            self._hass, STORAGE_VERSION, key, minor_version=STORAGE_MINOR_VERSION
        )

    async def async_load(self, restore: Restore) -> Mapping[str, Any] | None:
        """Read the history into ``restore``; return the data read, if any.

        Sets ``history_unknown`` when there was a history that cannot be read.
        """
        data, problem = await self._async_read(restore)
        if problem is None:
            return data
        _LOGGER.error(
            "Stored Back Recovery data of %s cannot be read (%s); the file %s "
            "stays untouched and the history continues in a new file",
            self._title,
            problem,
            self._store.path,
        )
        self._store = self._open(self._recovered_key)
        recovered, recovered_problem = await self._async_read(restore)
        if recovered_problem is not None:
            await self._async_move_aside(recovered_problem)
            return None
        # What happened before the recovered file began is unknown.
        self.history_unknown = recovered is None or not recovered.get("sessions")
        return recovered

    async def _async_read(
        self, restore: Restore
    ) -> tuple[Mapping[str, Any] | None, str | None]:
        """Load and restore the store: the data read, and why it cannot be read."""
        existed = await self._hass.async_add_executor_job(
            os.path.isfile, self._store.path
        )
        try:
            data = await self._store.async_load()
        except (
            HomeAssistantError,
            NotImplementedError,
            KeyError,
            TypeError,
            ValueError,
        ) as err:
            return None, str(err) or type(err).__name__
        if data is None:
            if existed:
                # Home Assistant found the file corrupt, moved it aside and
                # returned nothing: the key is free, but the history is unknown.
                _LOGGER.error(
                    "Stored Back Recovery data of %s was corrupt; a heating pad "
                    "switched on from outside within one rest gap is switched "
                    "off, as the rest gap may be running",
                    self._title,
                )
                self.history_unknown = True
            return None, None
        try:
            restore(data)
        except (
            KeyError,
            TypeError,
            ValueError,
            AttributeError,
            OverflowError,
        ) as err:
            return data, f"malformed: {err}"
        return data, None

    async def _async_move_aside(self, problem: str) -> None:
        """Keep an unreadable recovered history beside, under a new name."""
        self.history_unknown = True
        path = self._store.path
        aside = f"{path}.unreadable.{dt_util.utcnow().strftime('%Y%m%dT%H%M%S')}"
        _LOGGER.error(
            "Stored Back Recovery data %s cannot be read either (%s); kept as %s",
            path,
            problem,
            aside,
        )
        try:
            await self._hass.async_add_executor_job(os.replace, path, aside)
        except OSError as err:
            _LOGGER.error("Could not keep %s as %s: %s", path, aside, err)

    async def async_save(self, data: dict[str, Any]) -> bool:
        """Write ``data``; return whether it was written.

        While writing fails, the repair issue ``storage_not_writable`` stands.
        """
        await self._store.async_save(data)
        if (error := self._store.write_error) is None:
            async_clear_issue(self._hass, ISSUE_STORAGE_NOT_WRITABLE, self._entry_id)
            return True
        async_raise_issue(
            self._hass,
            ISSUE_STORAGE_NOT_WRITABLE,
            self._entry_id,
            {"name": self._title, "path": self._store.path, "error": str(error)},
        )
        return False


async def async_remove_history(hass: HomeAssistant, entry_id: str) -> None:
    """Forget an entry's history and its recovered history."""
    for key in storage_keys(entry_id):
        await RecoveryStore(hass, STORAGE_VERSION, key).async_remove()


async def async_read_histories(
    hass: HomeAssistant, entry_id: str
) -> list[Mapping[str, Any]]:
    """Read an entry's history and recovered history as stored (a removed entry's last look).

    What cannot be read is left out; nothing is moved or written.
    """
    found: list[Mapping[str, Any]] = []
    for key in storage_keys(entry_id):
        store = RecoveryStore(
            hass, STORAGE_VERSION, key, minor_version=STORAGE_MINOR_VERSION
        )
        try:
            data = await store.async_load()
        except HomeAssistantError, NotImplementedError, KeyError, TypeError, ValueError:
            continue
        if isinstance(data, Mapping):
            found.append(data)
    return found
