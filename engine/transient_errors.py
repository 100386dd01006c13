"""Tell a database that is briefly unavailable from a real fault, and pace the retries.

Long-running processes (the scheduler, the video worker) meet "database is locked" on SQLite while a
long write holds the lock, and dropped connections on PostgreSQL during a restart. Those pass; a
process that dies on them leaves the service without timers or cameras until it is restarted, so it
waits and tries again instead, with a pause that doubles up to a cap and resets after a success.
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, OperationalError

__all__ = ["RetryPacer", "is_transient_database_error"]

_TRANSIENT_TEXT = ("database is locked", "database is busy", "deadlock", "could not serialize",
                   "connection refused", "server closed the connection", "terminating connection",
                   "connection is closed", "could not connect", "the database system is starting up")


def is_transient_database_error(exc: BaseException) -> bool:
    """True for errors that a later attempt can get past without anything being changed."""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    if not isinstance(exc, OperationalError):
        return False
    text = str(getattr(exc, "orig", exc)).lower()
    return any(fragment in text for fragment in _TRANSIENT_TEXT)


class RetryPacer:
    """The pause before the next attempt: `first` seconds, doubling up to `cap`, reset by a success."""

    def __init__(self, first: float = 0.5, cap: float = 30.0) -> None:
        self.first = first
        self.cap = cap
        self.failures = 0

    def failed(self) -> float:
        """Count a failure and return how long to wait before trying again."""
        self.failures += 1
        doublings = min(self.failures - 1, 62)  # an outage of days must not overflow the arithmetic
        return min(self.cap, self.first * 2.0**doublings)

    def succeeded(self) -> None:
        """Forget earlier failures: the next one starts from the short pause again."""
        self.failures = 0
