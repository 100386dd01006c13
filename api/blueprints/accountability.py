"""E-supervision API: accountability (being built)."""

from __future__ import annotations

from ..extensions import Blueprint

blp = Blueprint("accountability", __name__, url_prefix="/api", description="E-supervision: accountability")
