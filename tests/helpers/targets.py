"""Where reminders and questions go: notify entities and voice satellites that record, a silent voice.

A test integration (``test``) holds them: ``setup_targets`` sets up its
notify entities, a text-to-speech engine and its satellites. A satellite
records what it announces and what it asks, and answers each question with
the next of its ``replies`` (a text heard, ``None`` for silence, an
exception for a satellite that fails).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Generator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
import io
from pathlib import Path
from typing import Any
from unittest.mock import patch
import wave

from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    MockModule,
    mock_config_flow,
    mock_integration,
    mock_platform,
    setup_test_component_platform,
)

from homeassistant.components.assist_pipeline import PipelineEvent, PipelineEventType
from homeassistant.components.assist_satellite import (
    AssistSatelliteAnnouncement,
    AssistSatelliteConfiguration,
    AssistSatelliteEntity,
    AssistSatelliteEntityFeature,
)
from homeassistant.components.notify import NotifyEntity
from homeassistant.components.tts import TextToSpeechEntity, TtsAudioType
from homeassistant.config_entries import ConfigEntry, ConfigFlow
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component

type Behaviour = Callable[[], Awaitable[None]]
type Reply = str | BaseException | None
"""What a person says to a satellite's question: a text, nothing (``None``), or its failure."""


async def deliver_at_once() -> None:
    """Deliver at once."""


@dataclass
class Inbox:
    """What one target received."""

    messages: list[str] = field(default_factory=list)
    titles: list[str | None] = field(default_factory=list)


class RecordingNotify(NotifyEntity):
    """A notify entity that records messages, or fails the way it is told."""

    def __init__(self, name: str, behaviour: Behaviour = deliver_at_once) -> None:
        """Name the entity; ``behaviour`` runs before a message counts as delivered."""
        self._attr_name = name
        self._attr_unique_id = f"notify_{name}"
        self.inbox = Inbox()
        self.behaviour = behaviour

    async def async_send_message(self, message: str, title: str | None = None) -> None:
        """Record the message once the behaviour lets it through."""
        await self.behaviour()
        self.inbox.messages.append(message)
        self.inbox.titles.append(title)


class RecordingSatellite(AssistSatelliteEntity):
    """A voice satellite that records what it announces and asks, and hears ``replies``."""

    _attr_supported_features = (
        AssistSatelliteEntityFeature.ANNOUNCE
        | AssistSatelliteEntityFeature.START_CONVERSATION
    )

    def __init__(self, name: str, replies: Sequence[Reply] = ()) -> None:
        """Name the satellite; each question it asks hears the next of ``replies`` (then silence)."""
        self._attr_name = name
        self._attr_unique_id = f"satellite_{name}"
        self.inbox = Inbox()
        self.questions: list[str] = []
        self.replies = list(replies)

    def async_get_configuration(self) -> AssistSatelliteConfiguration:
        """Return a configuration without wake words."""
        return AssistSatelliteConfiguration(
            available_wake_words=[], active_wake_words=[], max_active_wake_words=1
        )

    async def async_set_configuration(
        self, config: AssistSatelliteConfiguration
    ) -> None:
        """Accept any configuration."""

    def on_pipeline_event(self, event: PipelineEvent) -> None:
        """Ignore pipeline events: the replies are given as text."""

    async def async_announce(self, announcement: AssistSatelliteAnnouncement) -> None:
        """Record the spoken text (synthesized by the test TTS engine)."""
        assert announcement.media_id_source == "tts"
        self.inbox.messages.append(announcement.message)

    async def async_start_conversation(
        self, start_announcement: AssistSatelliteAnnouncement
    ) -> None:
        """Record the question; hear the next reply as a pipeline's speech-to-text would."""
        assert start_announcement.media_id_source == "tts"
        self.questions.append(start_announcement.message)
        reply = self.replies.pop(0) if self.replies else None
        if isinstance(reply, BaseException):
            raise reply
        if reply is None:
            # The run ends without text: no answer.
            self._internal_on_pipeline_event(PipelineEvent(PipelineEventType.RUN_END))
        else:
            self._internal_on_pipeline_event(
                PipelineEvent(
                    PipelineEventType.STT_END, {"stt_output": {"text": reply}}
                )
            )


class SilentTts(TextToSpeechEntity):
    """A text-to-speech engine that returns empty audio."""

    _attr_name = "Voice"
    _attr_unique_id = "tts_voice"
    _attr_supported_languages = ["en", "de"]
    _attr_default_language = "en"

    async def async_get_tts_audio(
        self, message: str, language: str, options: dict[str, Any]
    ) -> TtsAudioType:
        """Return a moment of silence."""
        with io.BytesIO() as audio:
            with wave.open(audio, "wb") as wav:
                wav.setnchannels(1)
                wav.setsampwidth(2)
                wav.setframerate(16000)
                wav.writeframes(bytes(320))
            return "wav", audio.getvalue()


class _TargetsFlow(ConfigFlow):
    """The config flow of the test integration that holds the targets."""


@contextmanager
def targets_allowed(speech_folder: Path) -> Generator[None]:
    """Give the test integration a config flow; keep speech in ``speech_folder``; pretend ffmpeg is there."""
    with (
        mock_config_flow("test", _TargetsFlow),
        patch(
            "homeassistant.components.tts._init_tts_cache_dir",
            return_value=str(speech_folder),
        ),
        patch(
            "homeassistant.components.ffmpeg.FFVersion.get_version",
            return_value="7.1",
        ),
    ):
        yield


async def setup_targets(
    hass: HomeAssistant,
    notify: Sequence[RecordingNotify],
    satellites: Sequence[RecordingSatellite],
) -> None:
    """Set up ``notify``, a TTS engine and ``satellites`` in a test integration (inside ``targets_allowed``)."""

    async def setup_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
        await hass.config_entries.async_forward_entry_setups(
            entry, [Platform.TTS, Platform.NOTIFY]
        )
        await hass.config_entries.async_forward_entry_setups(
            entry, [Platform.ASSIST_SATELLITE]
        )
        return True

    assert await async_setup_component(hass, "homeassistant", {})
    mock_integration(hass, MockModule("test", async_setup_entry=setup_entry))
    mock_platform(hass, "test.config_flow")
    setup_test_component_platform(hass, "tts", [SilentTts()], from_config_entry=True)
    setup_test_component_platform(hass, "notify", list(notify), from_config_entry=True)
    setup_test_component_platform(
        hass, "assist_satellite", list(satellites), from_config_entry=True
    )
    entry = MockConfigEntry(domain="test")
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
