"""Give a new development configuration a notify entity the blueprints can pick.

Home Assistant 2026.10 sets up its ``file`` notify entity only from a config
entry (Settings → Devices & services → Add integration → File), never from
YAML, and a notify entity is what the blueprints' and the options' *Notify*
fields list. So scripts/develop writes that entry into a configuration folder
that has none yet (before its first start): ``notify.notifications_file``
appends each message to ``notifications.txt`` in Home Assistant's default
media folder (``<config>/media``, or ``/media`` in a container), the one folder
a file may be written to without ``allowlist_external_dirs`` and that the web
server does not publish. Usage: ``python develop_notify.py CONFIG_DIR``.
"""

from __future__ import annotations

from datetime import UTC, datetime
import json
from pathlib import Path
import sys
from typing import Any
import uuid

from homeassistant.util.package import is_docker_env

NOTIFY_NAME = "Notifications file"
"""The entity's name: its id is ``notify.notifications_file``."""


def media_folder(config_dir: Path) -> Path:
    """Return Home Assistant's default media folder for ``config_dir`` (as its core config sets it)."""
    return Path("/media") if is_docker_env() else config_dir / "media"


def file_notify_entry(media: Path) -> dict[str, Any]:
    """Return the ``file`` integration's notify entry (writing into ``media``) as Home Assistant stores it."""
    now = datetime.now(UTC).isoformat()
    path = str(media / "notifications.txt")
    return {
        "created_at": now,
        "data": {"file_path": path, "name": NOTIFY_NAME, "platform": "notify"},
        "disabled_by": None,
        "discovery_keys": {},
        "domain": "file",
        "entry_id": uuid.uuid4().hex.upper()[:26],
        "minor_version": 1,
        "modified_at": now,
        "options": {"timestamp": True},
        "pref_disable_new_entities": False,
        "pref_disable_polling": False,
        "source": "user",
        "subentries": [],
        "title": f"Notify [{path}]",
        "unique_id": None,
        "version": 2,
    }


def seed(config_dir: Path, media: Path | None = None) -> bool:
    """Write the entry into a folder without config entries; return whether it did.

    ``media``: the folder the messages go to (default: ``media_folder``).
    """
    storage = config_dir / ".storage" / "core.config_entries"
    if storage.exists():
        return False
    media = media or media_folder(config_dir)
    storage.parent.mkdir(parents=True, exist_ok=True)
    media.mkdir(parents=True, exist_ok=True)
    storage.write_text(
        json.dumps(
            {
                "version": 1,
                "minor_version": 5,
                "key": "core.config_entries",
                "data": {"entries": [file_notify_entry(media)]},
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    return True


if __name__ == "__main__":
    seed(Path(sys.argv[1]).resolve())
