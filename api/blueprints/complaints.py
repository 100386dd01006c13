"""E-supervision API: complaints (being built)."""

from __future__ import annotations

from ..extensions import Blueprint

blp = Blueprint("complaints", __name__, url_prefix="/api", description="E-supervision: complaints")
