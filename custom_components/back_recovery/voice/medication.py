"""Pain medication for Assist and language models: "I took an ibuprofen", "when can I take my next ibuprofen".

One source for the spoken and the language-model answers, read from the
medication part's status (``engine.records.medication``). The answers say
what the recorded doses mean against the limits the person entered
("allowed by the limits you entered") and nothing of Back Recovery's own:
no drug, dose or interaction advice.

The intents ``BackRecoveryLogDose`` and ``BackRecoveryNextDose`` take the
medicine as said (slot ``medication``, a wildcard): a name the person gave a
medicine, found in any loaded recovery, with an article ("an ibuprofen") or
a word after it ("ibuprofen tablet") allowed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any, Final, override

import voluptuous as vol

from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv, intent

from ..const import DOMAIN
from ..data import BackRecoveryConfigEntry
from ..engine import LoggedDose, MedicationRecord
from ..errors import async_clock_hours
from ..texts import Texts, async_load_texts, dose_warning_lines, moment_text
from ..therapy import DoseOutcome, MedicineStatus
from .answers import local_iso

INTENT_LOG_DOSE: Final = "BackRecoveryLogDose"
INTENT_NEXT_DOSE: Final = "BackRecoveryNextDose"
SLOT_MEDICATION: Final = "medication"

_FILLERS: Final = frozenset(
    {
        "a",
        "an",
        "the",
        "my",
        "some",
        "one",
        "ein",
        "eine",
        "einen",
        "mein",
        "meine",
        "meinen",
        "das",
        "die",
        "der",
        "den",
    }
)
"""Words said before a medicine's name that are not part of it."""


def _words(text: str) -> list[str]:
    return [word for word in text.casefold().replace("-", " ").split() if word]


def _without_fillers(said: str) -> str:
    """Return ``said`` without the words before a name ("an aspirin" → "aspirin")."""
    words = said.split()
    while words and words[0].casefold() in _FILLERS:
        words.pop(0)
    return " ".join(words) or said


def find_medicine(
    entries: Iterable[BackRecoveryConfigEntry], said: str
) -> tuple[BackRecoveryConfigEntry, str] | None:
    """Return the recovery and the medicine (subentry id) named in ``said``.

    The name as entered, case-insensitive, after the words before it ("an",
    "my") and with words after it ("tablet") allowed; the longest name wins.
    """
    words = _words(_without_fillers(said))
    best: tuple[int, BackRecoveryConfigEntry, str] | None = None
    for entry in entries:
        part = entry.runtime_data.engine.records.medication
        for medicine in part.log.medicines.values():
            name = _words(medicine.name)
            if (
                name
                and words[: len(name)] == name
                and (best is None or len(name) > best[0])
            ):
                best = (len(name), entry, medicine.id)
    return None if best is None else (best[1], best[2])


def _unknown_medicine(texts: Texts, said: str, names: str) -> str:
    """Say there is no medicine ``said``: the medicines there are, or that there is none yet."""
    if not names:
        return texts["voice_unknown_medication_none"].format(medication=said)
    return texts["voice_unknown_medication"].format(medication=said, medications=names)


def _all_names(entries: Iterable[BackRecoveryConfigEntry]) -> str:
    names = sorted(
        medicine.name
        for entry in entries
        for medicine in entry.runtime_data.engine.records.medication.log.medicines.values()
    )
    return ", ".join(names)


# The answers.


def warnings_text(texts: Texts, outcome: DoseOutcome) -> list[str]:
    """Say each warning of a dose, as the notification does."""
    return dose_warning_lines(texts, outcome)


def dose_answer(texts: Texts, logged: LoggedDose, hours: int) -> str:
    """Say a recorded dose: when it was taken, its warnings, the next dose allowed."""
    outcome = logged.outcome
    status = outcome.status
    said = [
        texts["voice_dose_logged"].format(
            name=status.medicine.name,
            taken_at=moment_text(outcome.dose.taken_at, texts, hours=hours),
        ),
        *warnings_text(texts, outcome),
    ]
    if status.next_dose_allowed is not None:
        said.append(
            texts["medication_next_dose_allowed"].format(
                moment=moment_text(status.next_dose_allowed, texts, hours=hours)
            )
        )
    return " ".join(said)


def next_dose_answer(texts: Texts, status: MedicineStatus, hours: int) -> str:
    """Say when the next dose of a medicine is allowed by the limits the person entered."""
    name = status.medicine.name
    if status.next_dose_allowed is None:
        return texts["voice_next_dose_now"].format(name=name)
    return texts["voice_next_dose_at"].format(
        name=name, moment=moment_text(status.next_dose_allowed, texts, hours=hours)
    )


def medicines_status(part: MedicationRecord) -> list[dict[str, Any]]:
    """Return each medicine as the status tool tells it (moments local ISO)."""
    return [
        {
            "name": status.medicine.name,
            "kind": status.medicine.kind.value,
            "min_hours_between_entered": status.medicine.min_hours_between,
            "max_doses_per_24h_entered": status.medicine.max_doses_per_24h,
            "limits_from": status.medicine.limits_from.value,
            "doses_24h": status.doses_24h,
            "last_taken": local_iso(status.last_taken),
            "next_dose_allowed": local_iso(status.next_dose_allowed),
            "next_dose_allowed_now": status.next_dose_allowed is None,
            "waiting_for": status.waiting_for.value if status.waiting_for else None,
            "supply_left": status.supply.left if status.supply else None,
            "supply_low": status.supply.low if status.supply else None,
        }
        for status in part.statuses.values()
    ]


# The intents.


class MedicationIntentHandler(intent.IntentHandler):
    """Finds the medicine said in any loaded recovery, then answers about it."""

    slot_schema = {vol.Required(SLOT_MEDICATION): cv.string}

    def __init__(
        self,
        intent_type: str,
        description: str,
        act: Callable[[BackRecoveryConfigEntry, str, Texts, int], Awaitable[str]],
        response_type: intent.IntentResponseType,
    ) -> None:
        """Answer ``intent_type`` with ``act`` (it returns the speech)."""
        self.intent_type = intent_type
        self.description = description
        self._act = act
        self._response_type = response_type

    @override
    async def async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        """Answer in the asker's language, on the asker's clock."""
        hass: HomeAssistant = intent_obj.hass
        texts = await async_load_texts(hass, intent_obj.language)
        hours = await async_clock_hours(
            hass, intent_obj.context.user_id, intent_obj.language
        )
        said = str(intent_obj.slots[SLOT_MEDICATION]["value"])
        entries: list[BackRecoveryConfigEntry] = (
            hass.config_entries.async_loaded_entries(DOMAIN)
        )
        response = intent_obj.create_response()
        if (found := find_medicine(entries, said)) is None:
            response.async_set_error(
                intent.IntentResponseErrorCode.NO_VALID_TARGETS,
                _unknown_medicine(texts, _without_fillers(said), _all_names(entries)),
            )
            return response
        speech = await self._act(found[0], found[1], texts, hours)
        response.response_type = self._response_type
        response.async_set_speech(speech)
        return response


async def async_log_dose_said(
    entry: BackRecoveryConfigEntry, medicine_id: str, texts: Texts, hours: int
) -> str:
    """Record a dose taken now and say what it means."""
    logged = await entry.runtime_data.engine.records.medication.async_log_dose(
        medicine_id
    )
    return dose_answer(texts, logged, hours)


async def async_next_dose_said(
    entry: BackRecoveryConfigEntry, medicine_id: str, texts: Texts, hours: int
) -> str:
    """Say when the next dose is allowed (nothing is recorded)."""
    status = entry.runtime_data.engine.records.medication.status(medicine_id)
    if status is None:
        return texts["voice_unknown_medication"].format(medication="?", medications="-")
    return next_dose_answer(texts, status, hours)


def medication_intents() -> list[intent.IntentHandler]:
    """Return the two medication intents' handlers, for ``intent.py`` to register."""
    return [
        MedicationIntentHandler(
            INTENT_LOG_DOSE,
            "Records that the person took a dose of one of their medicines now, "
            "and says whether it is within the limits they entered.",
            async_log_dose_said,
            intent.IntentResponseType.ACTION_DONE,
        ),
        MedicationIntentHandler(
            INTENT_NEXT_DOSE,
            "Tells when the next dose of one of the person's medicines is allowed "
            "by the limits they entered.",
            async_next_dose_said,
            intent.IntentResponseType.QUERY_ANSWER,
        ),
    ]
