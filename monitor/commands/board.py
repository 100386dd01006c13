"""The supervision board's counts, recomputed as a command so they commit like every other change."""

from __future__ import annotations

from dataclasses import dataclass

from engine.command_context import CommandContext

from ..models import BoardSnapshot
from ..queries.board import count_cells

__all__ = ["RefreshBoardCommand"]


@dataclass(frozen=True)
class RefreshBoardCommand:
    """Recompute the board's snapshot row (the scheduler runs it every few seconds)."""

    def execute(self, ctx: CommandContext) -> None:
        """Count every open item by department and warning level, as of the command's clock."""
        snapshot = ctx.session.get(BoardSnapshot, 1)
        cells = count_cells(ctx.session)
        if snapshot is None:
            ctx.session.add(BoardSnapshot(id=1, computed_at=ctx.now(), cells=cells))
        else:
            snapshot.computed_at, snapshot.cells = ctx.now(), cells
