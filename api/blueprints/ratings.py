"""E-supervision API: ratings (being built)."""

from __future__ import annotations

from ..extensions import Blueprint

blp = Blueprint("ratings", __name__, url_prefix="/api", description="E-supervision: ratings")
