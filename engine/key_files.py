"""Development keys kept in the instance folder, so `make run` needs no secrets in the environment.

Production must set its keys in the environment (the callers refuse to start without them); on a
developer's machine each key is drawn once and kept in a file only its owner can read.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

__all__ = ["key_from_file"]


def key_from_file(path: Path) -> str:
    """Return the key stored at `path`, drawing and storing it first if there is none.

    The file is created exclusively (O_EXCL), so gunicorn workers starting together all end up with
    the one key the first of them wrote, never with keys of their own.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    key = secrets.token_urlsafe(48)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key
