"""The daily score's models: what each part weighs and how its marks follow from the month's counts.

Two models, chosen by `ScoreSettings.model`:

founding (default) — the daily evaluation of the founding documents, every part measured by the system:
    on_time      (按时办结, 25) = weight × on-time rate
    deadlines    (超期扣分, 20) = max(0, weight − late_item_penalty (2) × late items
                                − late_day_penalty (0.5) × late working days)
    warnings     (预警督办, 15) = max(0, weight − order_penalty (2) × orders issued
                                − overdue_order_penalty (4) × orders whose reply deadline it missed
                                − red_alert_penalty (1) × red or escalated alerts other than video ones)
    complaints   (投诉查实, 15) = max(0, weight − upheld_complaint_penalty (5) × complaints found upheld
                                − partly_upheld_penalty (2.5) × complaints found partly upheld)
    satisfaction (群众满意, 15) = weight × satisfaction rate
    video        (视频监察, 10) = max(0, weight − video_penalty (2) × video alerts the bureau upheld)
nine_part — the earlier nine-part table (政务公开 … 廉洁自律), where only 办理时限, 群众满意 and 监督检查
    are measured and the other six get full marks unless `unmeasured_marks` sets them.

A rate part without data (nothing completed, nothing rated) gets full marks. Counts are those of the
period: complaints by the date the bureau's investigation found them, video alerts by the date the
bureau decided them (any decision but dismiss upholds), the rest as the scores docstring defines.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["DEFAULT_WEIGHTS", "MEASURED_PARTS", "MODEL_WEIGHTS", "NINE_PART_WEIGHTS", "PART_NAMES",
           "ScoreSettings", "score_parts"]

PART_NAMES = {"disclosure": "政务公开", "process": "办事流程", "deadlines": "办理时限", "fees": "收费规范",
              "satisfaction": "群众满意", "attitude": "服务态度", "supervision": "监督检查",
              "legal_duty": "依法履职", "integrity": "廉洁自律", "on_time": "按时办结",
              "warnings": "预警督办", "complaints": "投诉查实", "video": "视频监察"}
DEFAULT_WEIGHTS = {"on_time": 25, "deadlines": 20, "warnings": 15, "complaints": 15, "satisfaction": 15,
                   "video": 10}
NINE_PART_WEIGHTS = {"disclosure": 10, "process": 14, "deadlines": 14, "fees": 8, "satisfaction": 10,
                     "attitude": 10, "supervision": 14, "legal_duty": 10, "integrity": 10}
MODEL_WEIGHTS = {"founding": DEFAULT_WEIGHTS, "nine_part": NINE_PART_WEIGHTS}
MEASURED_PARTS = ("on_time", "deadlines", "warnings", "complaints", "satisfaction", "video", "supervision")


@dataclass(frozen=True)
class ScoreSettings:
    """Model, weights, deductions and definitions' knobs; defaults are the founding documents' rules."""

    model: str = "founding"
    weights: Mapping[str, float] | None = None  # None: the model's own weights
    unmeasured_marks: Mapping[str, float] = field(default_factory=dict)
    card_deductions: Mapping[str, float] = field(default_factory=lambda: {"yellow": 5, "red": 10})
    late_item_penalty: float = 2
    late_day_penalty: float = 0.5
    order_penalty: float = 2
    overdue_order_penalty: float = 4
    red_alert_penalty: float = 1
    upheld_complaint_penalty: float = 5
    partly_upheld_penalty: float = 2.5
    video_penalty: float = 2
    early_working_days: int = 1
    satisfied_min_grade: int = 4
    acceptance_keys: tuple[str, ...] = ("one_window_acceptance",)
    # Processes that are not applications (a complaint's handling): left out of the per-approval rates.
    not_applications: tuple[str, ...] = ("complaint_handling", "public_inquiry")
    inquiry_process: str = "public_inquiry"
    window_department: str = "zwfw"

    def part_weights(self) -> Mapping[str, float]:
        """The weights in force: the configured ones, else the model's."""
        return self.weights if self.weights is not None else MODEL_WEIGHTS.get(self.model, DEFAULT_WEIGHTS)


def _rate_marks(weight: float, rate: float | None) -> float:
    return weight if rate is None else weight * rate


def _less(weight: float, *penalties: float) -> float:
    return max(0.0, weight - sum(penalties))


def _marks(part: str, weight: float, counts: Mapping[str, int], rates: Mapping[str, float | None],
           settings: ScoreSettings) -> tuple[str, float] | None:
    """(basis, marks) of a measured part, or None for a part the data cannot measure."""
    if part == "on_time":
        return "on_time_rate", _rate_marks(weight, rates["on_time_rate"])
    if part == "deadlines":
        return "late_items_and_days", _less(weight, settings.late_item_penalty * counts["overdue"],
                                            settings.late_day_penalty * counts["late_days"])
    if part == "satisfaction":
        return "satisfaction_rate", _rate_marks(weight, rates["satisfaction_rate"])
    orders = (settings.order_penalty * counts["orders"],
              settings.overdue_order_penalty * counts["overdue_orders"])
    if part == "supervision":  # the nine-part table's: every red alert, video ones included
        return "orders_and_alerts", _less(weight, *orders, settings.red_alert_penalty * counts["red_alerts"])
    if part == "warnings":
        return "orders_and_alerts", _less(weight, *orders, settings.red_alert_penalty
                                          * (counts["red_alerts"] - counts["red_video_alerts"]))
    if part == "complaints":
        return "complaints_found", _less(
            weight, settings.upheld_complaint_penalty * counts["complaints_upheld"],
            settings.partly_upheld_penalty * counts["complaints_partly_upheld"])
    if part == "video":
        return "video_alerts_upheld", _less(weight, settings.video_penalty * counts["video_upheld"])
    return None


def score_parts(counts: Mapping[str, int], rates: Mapping[str, float | None],
                settings: ScoreSettings) -> list[dict[str, Any]]:
    """Each part's marks: measured ones from the counts and rates, the others configured or full."""
    parts = []
    for part, weight in settings.part_weights().items():
        measured = _marks(part, weight, counts, rates, settings)
        if measured is not None:
            basis, marks = measured
        elif part in settings.unmeasured_marks:
            basis, marks = "configured", min(max(float(settings.unmeasured_marks[part]), 0.0), weight)
        else:
            basis, marks = "full_marks_by_default", weight
        parts.append({"part": part, "name": PART_NAMES.get(part, part), "weight": weight,
                      "measured": measured is not None, "basis": basis, "marks": marks})
    return parts
