"""How long completed applications stay in the live tables before they are archived.

Approval files are kept for years, as archives rules set per kind of file; a centre sets a default
(ONEWINDOW_RETENTION_YEARS, 30) and a period per catalogue item code or process key
(ONEWINDOW_RETENTION_BY_ITEM, e.g. {"fgw-001": 10, "complaint_handling": 10}). The period runs from
completion.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

__all__ = ["RetentionSettings", "years_before"]


def years_before(moment: datetime, years: int) -> datetime:
    """The same instant `years` earlier; 29 February becomes 28 February in a common year."""
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:
        return moment.replace(year=moment.year - years, day=28)


@dataclass(frozen=True)
class RetentionSettings:
    """Years of retention: a default, and per item code or process key."""

    default_years: int = 30
    by_subject: Mapping[str, int] = field(default_factory=dict)

    def years_for(self, item_code: str | None, process_key: str) -> int:
        """The item's period if it has one, else its process's, else the default."""
        for subject in (item_code, process_key):
            if subject is not None and subject in self.by_subject:
                return self.by_subject[subject]
        return self.default_years

    def earliest_cutoff(self, now: datetime) -> datetime:
        """Completions before this may be past retention (the shortest period's cutoff)."""
        return years_before(now, min([self.default_years, *self.by_subject.values()]))

    def expired(self, completed_at: datetime, item_code: str | None, process_key: str, now: datetime) -> bool:
        """Whether an application completed at `completed_at` is past its retention at `now`."""
        return completed_at < years_before(now, self.years_for(item_code, process_key))
