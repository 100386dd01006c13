"""Video supervision throughput: frames/s per core for the whole per-frame analysis, and cameras per core.

"Whole per-frame analysis" is what the worker does for each sampled frame: decode the camera's JPEG,
scale it to the analysis width, align it to the reference (undoing camera shake), match brightness,
compare every zone with its reference and with the previous frame, update the occupancy/stillness
signals and step the rules. Runs on one thread
(cv2.setNumThreads(1)), so the numbers are per core.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import cv2
import numpy as np

from monitor.video.analysis import edge_map
from monitor.video.capture import Frame
from monitor.video.config import ScheduleConfig, default_days, load_camera_config
from monitor.video.pipeline import CameraPipeline
from monitor.video.schedule import WorkingHours
from monitor.video.synthetic import Appearance, SceneScript, render_scene, zones_for

T0 = datetime(2026, 9, 18, 2, 0, tzinfo=UTC)


def scene(width: int, height: int, frames: int) -> tuple[list[bytes], np.ndarray, dict]:
    """Render a busy scene (seat + 6 chairs, someone coming and going), JPEG-encode it like a camera does."""
    script = SceneScript(duration_s=frames / 2, fps=2, width=width, height=height, seed=5, chairs=6,
                         look=Appearance(person_scale=1.0),
                         staff=((0, frames / 8, "awake"), (frames / 4, frames / 2, "awake")),
                         waiting=tuple((c, c * 2.0, frames / 2 - c) for c in range(6)),
                         lighting=((frames / 6, 0.8, 5),))
    images, reference = render_scene(script)
    jpegs = [cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 85])[1].tobytes() for img in images]
    config = {"name": "bench", "department": "zwfw", "source": "bench", "source_kind": "file",
              "zones": zones_for(script), "sample_rate": 1.0}
    return jpegs, reference, config


def per_frame_rate(jpegs: list[bytes], reference: np.ndarray, raw: dict, analysis_width: int,
                   seconds: float) -> float:
    """Return frames/s of decode + pipeline for one camera, measured for about `seconds`."""
    config = replace(load_camera_config(raw), analysis_width=analysis_width)
    hours = WorkingHours(ScheduleConfig(days=default_days(), always=True), None)
    pipeline = CameraPipeline(config, reference, hours)
    count, start = 0, time.process_time()
    while True:
        for data in jpegs:
            image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
            pipeline.process(Frame(image, T0 + timedelta(seconds=count), count))
            count += 1
        elapsed = time.process_time() - start
        if elapsed >= seconds:
            return count / elapsed


def stage_ms(jpegs: list[bytes], reference: np.ndarray, raw: dict, seconds: float) -> dict[str, float]:
    """Return the milliseconds per frame of stages measured on their own.

    Aligning the frame to the reference (monitor.video.stabilise), and each occupancy cue over every
    zone (monitor.video.analysis): what undoing shake and each way of seeing someone cost.
    """
    pipeline = CameraPipeline(load_camera_config(raw), reference,
                              WorkingHours(ScheduleConfig(days=default_days(), always=True), None))
    analyzer = pipeline.analyzer
    prepared = [analyzer._prepare(cv2.imdecode(np.frombuffer(d, np.uint8), cv2.IMREAD_COLOR)) for d in jpegs]
    patches = [[image[m.box] for m in analyzer.masks] for image in prepared]

    def timed(work: Callable[[int], object]) -> float:
        count, start = 0, time.process_time()
        while time.process_time() - start < seconds / 2:
            for i in range(len(prepared)):
                work(i)
                count += 1
        return (time.process_time() - start) * 1000 / count

    references = [analyzer.references[m.zone.name] for m in analyzer.masks]

    def colour(i: int) -> list[np.ndarray]:
        return [cv2.absdiff(p, r) for p, r in zip(patches[i], references, strict=True)]

    return {"aligning to the reference (shake)": timed(lambda i: analyzer.stabiliser.register(prepared[i])),
            "colour cue, all zones": timed(colour),
            "new-edge cue, all zones": timed(lambda i: [edge_map(cv2.cvtColor(p, cv2.COLOR_BGR2GRAY))
                                                        for p in patches[i]])}


def cameras_at_one_fps(jpegs: list[bytes], reference: np.ndarray, raw: dict, cameras: int,
                       rounds: int) -> float:
    """Return the seconds per round of serving `cameras` pipelines one frame each, as the worker does.

    That includes the latest-frame JPEG the worker writes every 2 s for the zone editor.
    """
    config = load_camera_config(raw)
    hours = WorkingHours(ScheduleConfig(days=default_days(), always=True), None)
    pipelines = [CameraPipeline(config, reference, hours) for _ in range(cameras)]
    start = time.process_time()
    for r in range(rounds):
        for i, pipeline in enumerate(pipelines):
            data = jpegs[(r + i) % len(jpegs)]
            image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
            pipeline.process(Frame(image, T0 + timedelta(seconds=r), r))
            if r % 2 == 0:
                cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 90])
    return (time.process_time() - start) / rounds


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="measuring time per size")
    args = parser.parse_args()
    cv2.setNumThreads(1)
    print("video supervision (one core; JPEG decode + scale + brightness match + 7 zones + signals + rules)")
    rows = [("640×480", 640, 480, 640), ("1280×720 (analysed at 640×360)", 1280, 720, 640),
            ("1280×720 (analysed at full size)", 1280, 720, 1280),
            ("640×360 (720p sub-stream)", 640, 360, 640)]
    sub_stream: tuple[list[bytes], np.ndarray, dict] | None = None
    for label, width, height, analysis_width in rows:
        jpegs, reference, raw = scene(width, height, 60)
        rate = per_frame_rate(jpegs, reference, raw, analysis_width, args.seconds)
        print(f"  {label:<34} {rate:8.0f} frames/s per core  → {int(rate):5d} cameras at 1 frame/s")
        if (width, height) == (640, 360):
            sub_stream = (jpegs, reference, raw)
    assert sub_stream is not None
    whole = 1000 / per_frame_rate(*sub_stream, 640, args.seconds / 2)
    for stage, ms in stage_ms(*sub_stream, seconds=args.seconds).items():
        print(f"  of the {whole:.2f} ms per 640×360 frame, {stage}: {ms:.2f} ms ({ms / whole:.0%})")
    cameras = 50
    per_round = cameras_at_one_fps(*sub_stream, cameras=cameras, rounds=10)
    verdict = "sustained" if per_round < 1.0 else "NOT sustained"
    print(f"  {cameras} cameras × 1 frame/s at 640×360 in one process: {per_round * 1000:.0f} ms of work per "
          f"second of video ({verdict}; target ≥ 50 cameras per core)")


if __name__ == "__main__":
    main()
