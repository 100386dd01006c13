"""Video supervision tests: generated clips, offline pipeline, worker, camera API."""
