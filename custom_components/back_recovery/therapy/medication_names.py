"""Whose doses a medicine counts: what counts is the name (contract "Pain medication").

No Home Assistant. A medicine is a subentry with an id of its own; removing
it and adding it again gives a new id. The doses of a removed medicine stay
in the record under its old id, and a medicine configured now with the same
name (case and spaces aside, ``names.name_key``) counts them as its own: the rolling 24
hours, the interval, the supply. A renamed medicine keeps its doses (same
id); its new name is the one that counts from then on.
"""

from __future__ import annotations

from collections.abc import Mapping

from .names import name_key


def adopted_ids(names: Mapping[str, str], current: Mapping[str, str]) -> dict[str, str]:
    """Return, for each removed medicine id, the id of the current medicine of its name.

    ``names`` is the last name of every medicine id that has doses (removed
    ones too), ``current`` the name of every medicine configured now, both by
    id. A removed id whose name no current medicine has is left out; when two
    current medicines have the name (the flow forbids it), the first counts.
    """
    by_name: dict[str, str] = {}
    for medicine_id, name in current.items():
        by_name.setdefault(name_key(name), medicine_id)
    return {
        old: by_name[name_key(name)]
        for old, name in names.items()
        if old not in current and name_key(name) in by_name
    }
