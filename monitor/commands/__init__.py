"""E-supervision commands, run by the engine's command executor like every other state change."""
