"""Read paths, by subject: they read derived rows (never workflow state) and write nothing.

Import from the subject modules (engine.queries.tasks, .instances, .board, ...); commands live in
engine/commands and never import these.
"""
