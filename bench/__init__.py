"""Benchmarks for OneWindow: scripts that print figures (run `make bench`), not tests."""
