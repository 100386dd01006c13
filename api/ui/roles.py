"""Where each role lands after logging in, and which pages its navigation lists.

Pages are named by endpoint so a page that is not registered yet (issue 7's supervision, designer
and admin pages) falls back to the landing page instead of a dead link.
"""

from __future__ import annotations

from flask import current_app, url_for
from werkzeug.routing import BuildError

__all__ = ["LANDING", "NAVIGATION", "landing_url", "navigation"]

# role -> endpoint of its home page
LANDING: dict[str, str] = {
    "window": "window_page.intake",
    "reviewer": "worklist_page.worklist",
    "lead": "board_page.board",
    "head": "worklist_page.worklist",
    "supervisor": "supervision_page.index",
    "designer": "designer_page.index",
    "admin": "admin_page.index",
}

# role -> (string key in COMMON_ZH["nav"], endpoint) shown in the header, in order
NAVIGATION: dict[str, list[tuple[str, str]]] = {
    "window": [("window", "window_page.intake"), ("registrations", "window_page.registrations"),
               ("inquiry_desk", "inquiry_page.desk"),
               ("supervised", "supervision_page.orders"), ("track", "track_page.track")],
    "reviewer": [("worklist", "worklist_page.worklist"), ("supervised", "supervision_page.orders"),
                 ("track", "track_page.track")],
    "lead": [("board", "board_page.board"), ("worklist", "worklist_page.worklist"),
             ("supervised", "supervision_page.orders")],
    "head": [("worklist", "worklist_page.worklist"), ("supervised", "supervision_page.orders"),
             ("commitments", "commitments_page.manage"), ("track", "track_page.track")],
    "supervisor": [("supervision", "supervision_page.index"), ("worklist", "worklist_page.worklist"),
                   ("commitments", "commitments_page.manage"), ("track", "track_page.track")],
    "designer": [("designer", "designer_page.index"), ("catalogue", "designer_page.catalogue")],
    "admin": [("admin", "admin_page.index"), ("supervision", "supervision_page.index"),
              ("catalogue", "designer_page.catalogue")],
}


def _url(endpoint: str) -> str | None:
    if endpoint not in current_app.view_functions:
        return None
    try:
        return url_for(endpoint)
    except BuildError:
        return None


def landing_url(role: str) -> str:
    """The URL a role lands on after login; the public landing page when its page does not exist."""
    endpoint = LANDING.get(role)
    return (_url(endpoint) if endpoint else None) or "/"


def navigation(role: str) -> list[tuple[str, str]]:
    """The (nav string key, URL) pairs of the pages a role works with that exist in this build."""
    return [(key, url) for key, endpoint in NAVIGATION.get(role, []) if (url := _url(endpoint))]
