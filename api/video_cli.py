"""The `flask monitor` command: the video supervision worker (issue 5)."""

from __future__ import annotations

from flask import Flask

__all__ = ["register_video_cli"]


def register_video_cli(app: Flask) -> None:
    """Attach the video worker command to the app."""
