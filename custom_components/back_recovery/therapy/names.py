"""How names the person typed are compared: case and spaces aside (README, contract).

No Home Assistant. One rule for an exercise's, a medicine's and an own
activity's name: spaces at the ends are dropped, every inner run of
whitespace counts as one space, and case does not count ("glute  BRIDGE"
is "Glute bridge").
"""

from __future__ import annotations


def name_key(name: str) -> str:
    """Return the form of a name that is compared: inner whitespace collapsed to one space, trimmed, case-folded."""
    return " ".join(name.split()).casefold()


def same_name(first: str, second: str) -> bool:
    """Whether two names are the same, case and spaces aside (``name_key``)."""
    return name_key(first) == name_key(second)
