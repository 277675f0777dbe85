"""Home Assistant's forms in the browser, filled the way a person does.

A choice (a select selector in dropdown mode) is a field that opens a menu:
the person clicks the field, then the option's text. An optional field
without a default shows nothing until the person chooses or types.
"""

from __future__ import annotations

from collections.abc import Iterable
import re
from typing import Any

INTEGRATION_PAGE = "/config/integrations/integration/back_recovery"
"""The integration page: "Add exercise", "Add medicine"."""
SUBMIT = re.compile(r"^(Submit|OK|Absenden|Weiter)$")
FINISH = re.compile(r"^(Finish|Fertig|Schließen|Close)$")


def _choice(form: Any, label: str) -> Any:
    """Return the choice field labelled ``label`` (an optional one: no "*")."""
    return form.locator(f'ha-picker-field[aria-label="{label}"]')


def choose(form: Any, label: str, option: str) -> None:
    """Open the choice ``label`` and pick the option shown as ``option``."""
    _choice(form, label).click()
    form.get_by_role("menuitem", name=option, exact=True).click()


def shown(form: Any, label: str) -> str:
    """Return what the choice ``label`` shows: "" while nothing is chosen."""
    value = _choice(form, label).evaluate("field => field.value ?? ''")
    return str(value)


def entered(form: Any, label: str) -> str:
    """Return what the number box ``label`` shows: "" while nothing is entered."""
    return str(form.get_by_role("spinbutton", name=label, exact=True).input_value())


def refused_with(form: Any, errors: Iterable[str]) -> None:
    """Wait until the form shows each of the ``errors`` (texts) on its field."""
    for text in errors:
        form.get_by_text(text, exact=True).wait_for()
