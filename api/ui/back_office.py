"""The back-office pages (supervision bureau, process designer, administrator), registered together."""

from __future__ import annotations

from flask import Flask

__all__ = ["register_back_office"]


def register_back_office(app: Flask) -> None:
    """Register the supervision, designer and admin page blueprints."""
    from . import admin_pages, designer_pages, supervision_pages

    for module in (supervision_pages, designer_pages, admin_pages):
        app.register_blueprint(module.bp)
