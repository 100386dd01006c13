"""The supervision board's counts, recomputed as a command so they commit like every other change."""

from __future__ import annotations

from dataclasses import dataclass

from engine.command_context import CommandContext

from ..board import refresh_board_snapshot

__all__ = ["RefreshBoardCommand"]


@dataclass(frozen=True)
class RefreshBoardCommand:
    """Recompute the board's snapshot row (the scheduler runs it every few seconds)."""

    def execute(self, ctx: CommandContext) -> None:
        """Count every open item by department and warning level, as of the command's clock."""
        refresh_board_snapshot(ctx.session, ctx.now())
