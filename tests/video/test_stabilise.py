"""Frames are aligned to the reference on the background: shake is undone, a moved camera is not trusted."""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np
import pytest

from monitor.video.analysis import FrameAnalyzer
from monitor.video.config import load_camera_config
from monitor.video.stabilise import Stabiliser
from monitor.video.synthetic import _Renderer, zones_for

from . import scenes


def _analyzer(script=scenes.MAIN) -> tuple[FrameAnalyzer, _Renderer]:
    renderer = _Renderer(script)
    config = load_camera_config({"name": "t", "department": "zwfw", "source": "t", "source_kind": "file",
                                 "zones": zones_for(script)})
    return FrameAnalyzer(config, renderer.frame(0.0, noisy=False, empty=True)), renderer


def _moved(image: np.ndarray, dx: float, dy: float, deg: float = 0.0) -> np.ndarray:
    height, width = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), deg, 1.0)
    matrix[:, 2] += (dx, dy)
    return cv2.warpAffine(image, matrix, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)


def _stabiliser(analyzer: FrameAnalyzer) -> Stabiliser:
    return analyzer.stabiliser


@pytest.mark.parametrize(("dx", "dy", "deg"), [(4.0, -3.0, 0.0), (-2.0, 2.5, 0.5), (0.0, 0.0, -0.5)])
def test_a_shaken_frame_is_moved_back_onto_the_reference(dx: float, dy: float, deg: float) -> None:
    analyzer, renderer = _analyzer()
    reference = analyzer._prepare(renderer.frame(0.0, noisy=False, empty=True))
    shaken = _moved(reference, dx, dy, deg)
    aligned, how = _stabiliser(analyzer).register(shaken)
    assert how.trusted
    assert abs(how.turn_deg - deg) < 0.2
    # Compare the middle of the picture (the borders were filled in by the warps).
    middle = (slice(20, -20), slice(20, -20))
    before = cv2.absdiff(shaken, reference)[middle].mean()
    after = cv2.absdiff(aligned, reference)[middle].mean()
    assert after < before / 3 or before < 1.0, (before, after)


def test_people_in_the_zones_and_a_dimmed_light_do_not_pull_the_alignment() -> None:
    busy = replace(scenes.MAIN, lighting=((0, 0.6, 10),))
    analyzer, renderer = _analyzer(busy)
    crowded = analyzer._prepare(renderer.frame(60.0))  # staff seated, three chairs taken, lights dimmed
    _, how = _stabiliser(analyzer).register(crowded)
    assert how.trusted and abs(how.dx) < 0.5 and abs(how.dy) < 0.5 and abs(how.turn_deg) < 0.1


def test_a_camera_knocked_far_or_turned_to_another_scene_is_not_trusted() -> None:
    analyzer, renderer = _analyzer()
    reference = analyzer._prepare(renderer.frame(0.0, noisy=False, empty=True))
    knocked = _moved(reference, 60.0, 25.0)
    frame, how = _stabiliser(analyzer).register(knocked)
    assert not how.trusted and frame is knocked  # left as it is: nothing is compared as if aligned
    elsewhere = analyzer._prepare(_Renderer(replace(scenes.MAIN, seed=99)).frame(0.0, noisy=False, empty=True))
    assert not _stabiliser(analyzer).register(np.ascontiguousarray(elsewhere[::-1]))[1].trusted
