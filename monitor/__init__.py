"""E-supervision (电子监察): alerts, orders, cards, complaints, ratings, accountability, scores, video.

Shaped like engine/: `models` holds each feature's tables and pure rules, `commands` its state
changes (run by the engine's executor, which alone commits) and `queries` its reads. Supervision
polls what the engine records (warning and audit events, read as outboxes by the scheduler's feed)
and changes engine state only through engine commands.
"""
