"""Clips are generated once per test session into a temporary folder (no media in the repository).

That folder is outside the app's video folder, so the app of the video tests allows it as a camera source
folder (ONEWINDOW_VIDEO_SOURCE_DIRS), as an operator would for a mounted recordings share.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from api.wiring import db
from engine.workdays import FixedClock
from tests.conftest import make_app

from . import scenes


@pytest.fixture(scope="session")
def clips_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder the generated clips live in."""
    return tmp_path_factory.mktemp("clips")


@pytest.fixture(scope="session")
def clips(clips_dir: Path) -> dict[str, dict[str, Path]]:
    """The generated scenes: clip, reference, truth and camera JSON of each."""
    return {name: scenes.write(script, clips_dir, name) for name, script in
            (("main", scenes.MAIN), ("unseen", scenes.UNSEEN), ("navy", scenes.NAVY),
             ("repeat", scenes.REPEAT), ("away", scenes.AWAY), ("shaky", scenes.SHAKY),
             ("shaky_unseen", scenes.SHAKY_UNSEEN), ("knocked", scenes.KNOCKED),
             ("chair_coloured", scenes.CHAIR_COLOURED), ("jpeg30", scenes.CHAIR_COLOURED_JPEG30),
             ("reference_with_people", scenes.REFERENCE_WITH_PEOPLE),
             ("reference_with_one", scenes.REFERENCE_WITH_ONE_SHAKEN),
             ("reference_with_three", scenes.REFERENCE_WITH_THREE_SHAKEN),
             ("reference_with_clerk", scenes.REFERENCE_WITH_CLERK))}


@pytest.fixture
def app(database_url: str, clock: FixedClock, tmp_path: Path, clips_dir: Path) -> Iterator[Flask]:
    """The app on a fresh database; camera files may come from its video folder and the clips folder."""
    application = make_app(database_url, tmp_path / "instance", clock,
                           ONEWINDOW_VIDEO_SOURCE_DIRS=str(clips_dir))
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()
