"""The rules that propose 服务之星 and 优质服务窗口 candidates from the scores (pure: no session).

服务之星 (monthly): a staff member of the service centre's window who registered at least
`star_min_registered` applications in the month, whose applicants rated at least `star_min_rated`
of their finished approvals, and who has no accountability record decided in the month. Ranked by
satisfaction rate, then acceptance rate (受理率), then applications registered; the first
`stars_per_month` are proposed.

优质服务窗口 (yearly): a department that had work in the year (tasks due or completed) and a full
composite: the mean of its monthly daily scores (scaled to 100) weighted with the year's report,
questioning and survey sessions. Ranked by composite, then by the daily mean; the first
`windows_per_year` (10, as the founding documents set) are proposed.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

__all__ = ["SelectionSettings", "rank_stars", "rank_windows"]


@dataclass(frozen=True)
class SelectionSettings:
    """How many are proposed, and the least activity a candidate needs."""

    stars_per_month: int = 1
    star_min_registered: int = 5
    star_min_rated: int = 3
    windows_per_year: int = 10


def rank_stars(windows: Iterable[dict[str, Any]], sanctioned: Collection[str],
               settings: SelectionSettings) -> list[dict[str, Any]]:
    """The proposed stars, best first, from a month's per-user window rows (scores report `windows`)."""
    eligible = [w for w in windows if w["user"] not in sanctioned
                and w["counts"]["registered"] >= settings.star_min_registered
                and w["counts"]["rated"] >= settings.star_min_rated]
    eligible.sort(key=lambda w: (-(w["satisfaction_rate"] or 0), -(w["acceptance_rate"] or 0),
                                 -w["counts"]["registered"], w["user"]))
    return [{"subject": w["user"], "department": w["department"],
             "figures": {"registered": w["counts"]["registered"], "rated": w["counts"]["rated"],
                         "satisfied": w["counts"]["satisfied"], "satisfaction_rate": w["satisfaction_rate"],
                         "acceptance_rate": w["acceptance_rate"]}}
            for w in eligible[:settings.stars_per_month]]


def rank_windows(departments: Iterable[dict[str, Any]], settings: SelectionSettings) -> list[dict[str, Any]]:
    """The proposed windows, best first, from yearly rows {department, active, daily, composite}."""
    eligible = [d for d in departments if d["active"] and d["composite"]["total"] is not None]
    eligible.sort(key=lambda d: (-d["composite"]["total"], -d["daily"], d["department"]))
    return [{"subject": d["department"], "department": d["department"],
             "figures": {**d["composite"], "months": d["months"]}}
            for d in eligible[:settings.windows_per_year]]
