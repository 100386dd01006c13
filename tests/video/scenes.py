"""The scenes the video tests run on: scripts for the seeded generator and the rule settings they assume."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from monitor.video.config import RuleSettings
from monitor.video.synthetic import Appearance, SceneScript, write_scene

# Test-scaled rules: N, M, T of seconds instead of minutes, K=3 chairs.
RULES = RuleSettings(off_post_s=20, asleep_s=20, crowding_count=3, crowding_s=10, cooldown_s=15)

# The scene the thresholds were tuned on.
MAIN = SceneScript(
    duration_s=200, seed=1,
    staff=((0, 20, "awake"),      # away 20–30: shorter than N, no alert
           (30, 50, "awake"),     # away 50–90: 离岗 from 70 to 90; the lights dim at 65 meanwhile
           (90, 110, "awake"),    # lights back at 100 while she sits: nothing
           (110, 150, "asleep"),  # 睡岗 from ~130 to 150
           (150, 200, "awake")),  # lights brighten at 170: nothing
    waiting=((0, 40, 120), (1, 45, 120), (2, 50, 125)),  # three taken 50–120: 拥挤 from 60 to 120
    lighting=((65, 0.6, 10), (100, 1.0, 0), (170, 1.3, -10)),
)
MAIN_LEAVE, MAIN_RETURN = 50.0, 90.0

# Never tuned on: another seed, a smaller figure, other colours, another frame size and timeline.
UNSEEN = SceneScript(
    duration_s=170, seed=4242, width=400, height=300,
    look=Appearance(person_scale=0.8, clothes=(70, 160, 90), skin=(95, 125, 170), hair=(60, 50, 40)),
    staff=((0, 15, "awake"), (60, 80, "awake"), (80, 125, "asleep"), (125, 140, "awake"),
           (148, 170, "awake")),
    chairs=5,
    waiting=((4, 5, 70), (2, 10, 64), (0, 20, 90), (1, 100, 150), (3, 101, 160), (2, 103, 158)),
    lighting=((40, 0.7, 0), (110, 1.2, 0)),
)

# The unseen scene with a navy jacket on the dark chair: close in grey, apart in blue.
NAVY = replace(UNSEEN, seed=77, look=replace(UNSEEN.look, clothes=(140, 80, 40)))

# Wall cameras shake: every frame moved by up to 3 px (5 px in the unseen scene) and turned by up to
# 0.5°, at random, with the scenes' people, lights and timelines unchanged.
SHAKY = replace(MAIN, shake_px=3.0, shake_deg=0.5)
SHAKY_UNSEEN = replace(UNSEEN, shake_px=5.0, shake_deg=0.5, noise=8.0)

# Clothes and hair the grey of the staff chair's back: the colour cue sees only the face; the outline
# she adds (new edges) still shows her. Shaken as well, since both happen on real cameras.
CHAIR_COLOURED = replace(UNSEEN, seed=78, shake_px=3.0, shake_deg=0.5,
                         look=replace(UNSEEN.look, clothes=(45, 50, 55), hair=(40, 45, 50)))

# The same, from a cheap camera sending JPEG of quality 30.
CHAIR_COLOURED_JPEG30 = replace(CHAIR_COLOURED, seed=79, jpeg_quality=30)

# The reference picture was taken while the hall was open: people sat in chairs 2 and 4 (chair 1 of
# the main scene, shaken). Those chairs are empty when the clip starts; their look-alikes sit down later.
REFERENCE_WITH_PEOPLE = replace(UNSEEN, seed=90, reference_chairs=(1, 3))
REFERENCE_WITH_ONE_SHAKEN = replace(MAIN, seed=91, reference_chairs=(0,), shake_px=3.0, shake_deg=0.5)
REFERENCE_WITH_THREE_SHAKEN = replace(MAIN, seed=94, reference_chairs=(0, 1, 3), shake_px=2.0, shake_deg=0.5)
# The clerk sat in the picture: while she is there the seat matches it (but for her moving), and when
# she leaves at 15 s the empty chair must read as free, not as someone sitting still.
REFERENCE_WITH_CLERK = replace(UNSEEN, seed=93, reference_staff=True)

# Someone knocks the camera askew at 40 s (25 px and 2°, far beyond shake) and it is set right at 80 s;
# the staff member stays seated throughout, so nothing else may be reported.
KNOCKED = SceneScript(duration_s=110, seed=12, staff=((0, 110, "awake"),), waiting=(),
                      knocked=((40, 80, 25.0, 12.0, 2.0),))

# Leaves three times: the second absence falls in the cooldown of the first event.
REPEAT = SceneScript(
    duration_s=140, seed=7,
    staff=((0, 20, "awake"), (50, 55, "awake"), (90, 100, "awake"), (130, 140, "awake")),
    waiting=(),
)

# Away from second 10 to 100 (for the schedule tests: lunch, holiday, working day).
AWAY = SceneScript(duration_s=110, seed=11, staff=((0, 10, "awake"),), waiting=())


def write(script: SceneScript, folder: Path, name: str, rules: RuleSettings = RULES) -> dict[str, Path]:
    """Write a scene's clip, reference, truth and camera JSON into `folder`."""
    return write_scene(script, folder, rules, name=name, always=False)
