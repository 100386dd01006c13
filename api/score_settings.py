"""The configured score settings, read by the bureau's scores and the public 效能公示 page."""

from __future__ import annotations

from flask import current_app

from monitor.queries.scores import ScoreSettings

__all__ = ["SETTINGS_KEY", "score_settings"]

SETTINGS_KEY = "ONEWINDOW_SCORE_SETTINGS"  # app.config: a ScoreSettings, or a dict of its fields


def score_settings() -> ScoreSettings:
    """Return the configured weights and deductions, or the defaults in monitor.queries.scores."""
    configured = current_app.config.get(SETTINGS_KEY)
    if isinstance(configured, ScoreSettings):
        return configured
    return ScoreSettings(**configured) if configured else ScoreSettings()
