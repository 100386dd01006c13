"""Server-rendered pages for the people who use OneWindow every day (issue 6)."""

from __future__ import annotations

from flask import Flask

__all__ = ["register_ui"]


def register_ui(app: Flask) -> None:
    """Register the page blueprints."""
