"""E-supervision (电子监察): alerts, orders, cards, complaints, accountability and scores.

Reads what the engine records (warning events, audit events) and changes engine state only
through engine commands.
"""
