"""E-supervision read paths: functions of a Session that change nothing (monitor.commands writes)."""
