"""The recorded parts of a recovery (exercises, medicines, brace, activities) in its stored history.

Contract "The rest of the recovery": every part is optional and absent until
added; nothing is lost across restarts (rule 8). Storage minor version 3
added the parts' place, ``records``; a part that cannot be read starts empty
and its stored form is kept beside.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.back_recovery.const import STORAGE_MINOR_VERSION
from custom_components.back_recovery.engine.records import RecoveryRecords
from homeassistant.core import HomeAssistant

from .helpers.clock import T0
from .helpers.ha import ENTRY_ID
from .helpers.storage import STORAGE_KEY, stored, stored_session


@dataclass
class Tally:
    """A recorded part for the test: a list of numbers and the days it was told of."""

    key: str = "tally"
    numbers: list[int] = field(default_factory=list)
    days: list[date] = field(default_factory=list)

    def restore(self, data: Mapping[str, Any]) -> None:
        """Take the stored numbers; raise ``TypeError`` for anything but whole numbers."""
        numbers = list(data["numbers"])
        if not all(isinstance(number, int) for number in numbers):
            raise TypeError("not a whole number")
        self.numbers = numbers

    def as_dict(self) -> dict[str, Any]:
        """Return the stored form."""
        return {"numbers": list(self.numbers)}

    def new_day(self, today: date) -> None:
        """Remember the day."""
        self.days.append(today)


async def test_history_of_minor_version_2_migrates_with_no_recorded_part(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    mock_config_entry: MockConfigEntry,
) -> None:
    """A history from before the recorded parts loads whole and is saved with an empty ``records``."""
    session = stored_session(T0 - timedelta(hours=5))
    pain = {"entries": [{"level": 3, "recorded_at": T0.isoformat(), "note": None}]}
    hass_storage[STORAGE_KEY] = stored(
        {"sessions": [session], "pain": pain}, minor_version=2
    )
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(ENTRY_ID)
    await hass.async_block_till_done()
    engine = mock_config_entry.runtime_data.engine
    assert await engine.records.async_changed()
    data = hass_storage[STORAGE_KEY]
    assert data["minor_version"] == STORAGE_MINOR_VERSION == 3
    assert data["data"]["sessions"] == [session]
    assert data["data"]["pain"]["entries"] == pain["entries"]
    assert data["data"]["records"] == {}


async def test_rule_8_a_recorded_part_is_saved_and_restored(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    mock_config_entry: MockConfigEntry,
) -> None:
    """A part's change is saved once through the engine and read again by the next engine."""
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(ENTRY_ID)
    await hass.async_block_till_done()
    tally = mock_config_entry.runtime_data.engine.records.add(Tally())
    tally.numbers.append(7)
    assert await mock_config_entry.runtime_data.engine.records.async_changed()
    assert hass_storage[STORAGE_KEY]["data"]["records"] == {"tally": {"numbers": [7]}}

    again = RecoveryRecords("Back recovery", _never_saved, lambda: None)
    read = again.add(Tally())
    again.restore(hass_storage[STORAGE_KEY]["data"])
    assert read.numbers == [7]
    again.new_day(date(2026, 3, 1))
    assert read.days == [date(2026, 3, 1)]


@pytest.mark.parametrize("raw", [{"numbers": ["x"]}, {"other": 1}, ["not", "a", "map"]])
def test_rule_8_an_unreadable_part_starts_empty_and_is_kept_beside(
    raw: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """A part that cannot be read starts empty; its stored form is written back under ``<key>.unreadable``."""
    records = RecoveryRecords("Back recovery", _never_saved, lambda: None)
    tally = records.add(Tally())
    records.restore({"records": {"tally": raw}})
    assert tally.numbers == []
    assert "Stored tally of Back recovery cannot be read" in caplog.text
    tally.numbers.append(1)
    assert records.as_dict() == {
        "records": {"tally.unreadable": raw, "tally": {"numbers": [1]}}
    }
    again = RecoveryRecords("Back recovery", _never_saved, lambda: None)
    again.add(Tally())
    again.restore(records.as_dict())
    assert again.as_dict() == records.as_dict()


def test_records_that_are_not_a_mapping_start_empty() -> None:
    """A ``records`` that is not a mapping gives every part its empty start."""
    records = RecoveryRecords("Back recovery", _never_saved, lambda: None)
    tally = records.add(Tally())
    records.restore({"records": "garbage"})
    assert tally.numbers == []


async def _never_saved() -> bool:
    raise AssertionError("not saved in this test")
