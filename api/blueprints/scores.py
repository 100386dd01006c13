"""E-supervision API: scores (being built)."""

from __future__ import annotations

from ..extensions import Blueprint

blp = Blueprint("scores", __name__, url_prefix="/api", description="E-supervision: scores")
