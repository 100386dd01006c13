"""Camera registry for video supervision of the service windows (issue 5)."""

from __future__ import annotations

from ..extensions import Blueprint

blp = Blueprint("cameras", __name__, url_prefix="/api/cameras", description="Video supervision cameras")
