"""Clips are generated once per test session into a temporary folder (no media in the repository)."""

from __future__ import annotations

from pathlib import Path

import pytest

from . import scenes


@pytest.fixture(scope="session")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Path]]:
    """The generated scenes: clip, reference, truth and camera JSON of each."""
    folder = tmp_path_factory.mktemp("clips")
    return {name: scenes.write(script, folder, name) for name, script in
            (("main", scenes.MAIN), ("unseen", scenes.UNSEEN), ("navy", scenes.NAVY),
             ("repeat", scenes.REPEAT), ("away", scenes.AWAY))}
