"""Assist and the askers: setting it up, asking it, hearing its answer; a person's profile.

The ``asker`` fixture (conftest) plays each kind of asker of
``ASKERS_CLOCKS``, their profile saved with ``set_profile``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from homeassistant.components.frontend.storage import async_user_store
from homeassistant.core import Context, HomeAssistant
from homeassistant.setup import async_setup_component


async def setup_assist(hass: HomeAssistant) -> None:
    """Set up Assist: Home Assistant's own intents, the conversation agent, intents."""
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})
    assert await async_setup_component(hass, "intent", {})
    await hass.async_block_till_done()


async def ask(hass: HomeAssistant, text: str, language: str = "en") -> dict[str, Any]:
    """Ask Assist through the conversation.process action; return its response."""
    result = await hass.services.async_call(
        "conversation",
        "process",
        {"text": text, "language": language},
        blocking=True,
        return_response=True,
    )
    assert result is not None
    response = result["response"]
    assert isinstance(response, dict)
    return response


def speech(response: dict[str, Any]) -> str:
    """Return the spoken answer."""
    text: str = response["speech"]["plain"]["speech"]
    return text


async def set_profile(
    hass: HomeAssistant, user_id: str, locale: Mapping[str, str] | None
) -> None:
    """Set up the frontend and save a person's profile: language and time format.

    ``locale`` is what the frontend saves (``language``, ``time_format``: "12",
    "24", "language" or "system"); None saves nothing.
    """
    assert await async_setup_component(hass, "frontend", {})
    if locale is not None:
        store = await async_user_store(hass, user_id)
        await store.async_set_item("language", dict(locale))


# Who asks and on which clock they hear times: the language asked in, the
# asker's saved profile (None: none saved), the clock's hours. The profile's
# time format wins; else the language asked in decides.
ASKERS_CLOCKS: list[tuple[str, dict[str, str] | None, int]] = [
    ("en", None, 12),
    ("de", None, 24),
    ("en", {"language": "de", "time_format": "language"}, 12),
    ("en", {"language": "en", "time_format": "24"}, 24),
    ("de", {"language": "de", "time_format": "12"}, 12),
]


@dataclass(frozen=True, slots=True)
class Asker:
    """A person asking: in ``language``, as ``context``, hearing times on ``hours``."""

    language: str
    context: Context
    hours: int
