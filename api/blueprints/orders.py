"""E-supervision API: orders (being built)."""

from __future__ import annotations

from ..extensions import Blueprint

blp = Blueprint("orders", __name__, url_prefix="/api", description="E-supervision: orders")
