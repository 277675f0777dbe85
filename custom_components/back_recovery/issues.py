"""The repair issues of one entry: raised and cleared by their key.

An issue about the heating pad or the history is an error (a heating pad
that may be on, a history that is not saved, a plug that is gone); the pain
diary's ``pain_not_improving`` is a warning. An issue's id is the key with
the entry id appended, so several people's recoveries keep their issues apart.
"""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from .const import DOMAIN, ISSUE_PAIN_NOT_IMPROVING, issue_id
from .therapy import PainReview, round_for_display


@callback
def async_raise_issue(
    hass: HomeAssistant,
    key: str,
    entry_id: str,
    placeholders: dict[str, str],
    *,
    fixable: bool = False,
    severity: ir.IssueSeverity = ir.IssueSeverity.ERROR,
) -> None:
    """Raise the issue ``key`` of entry ``entry_id``, translated with ``placeholders``.

    A ``fixable`` issue carries the entry id for its repair flow; ``severity``
    is an error unless given.
    """
    data: dict[str, Any] | None = {"entry_id": entry_id} if fixable else None
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id(key, entry_id),
        is_fixable=fixable,
        severity=severity,
        translation_key=key,
        translation_placeholders=placeholders,
        data=data,
    )


@callback
def async_clear_issue(hass: HomeAssistant, key: str, entry_id: str) -> None:
    """Delete the issue ``key`` of entry ``entry_id``, if it stands."""
    ir.async_delete_issue(hass, DOMAIN, issue_id(key, entry_id))


@callback
def async_show_pain_review(
    hass: HomeAssistant, entry_id: str, title: str, review: PainReview
) -> None:
    """Raise ``pain_not_improving`` (a warning) while ``review`` is recommended; clear it otherwise.

    Contract "Pain diary and review": it says in plain words that pain has not
    improved as expected; it names no treatment.
    """
    if not review.recommended:
        async_clear_issue(hass, ISSUE_PAIN_NOT_IMPROVING, entry_id)
        return
    async_raise_issue(
        hass,
        ISSUE_PAIN_NOT_IMPROVING,
        entry_id,
        {"name": title, "average": str(round_for_display(review.average))},
        severity=ir.IssueSeverity.WARNING,
    )
