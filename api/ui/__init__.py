"""Server-rendered pages for the people who use OneWindow every day (issue 6).

Pages are thin Jinja shells: every datum they show and every change they make goes through the JSON
API with the bearer token the login page keeps in sessionStorage (no second code path).
"""

from __future__ import annotations

from flask import Flask

__all__ = ["register_ui"]


def register_ui(app: Flask) -> None:
    """Register the page blueprints."""
    from . import (
        board,
        catalogue,
        commitments,
        complaint,
        inquiry,
        login,
        performance,
        track,
        window,
        worklist,
    )

    for module in (login, track, window, worklist, board, inquiry, complaint, catalogue, performance,
                   commitments):
        app.register_blueprint(module.bp)

    from .back_office import register_back_office

    register_back_office(app)
