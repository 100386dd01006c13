"""Start OneWindow exactly as `make run` does (ow setup + scripts/serve.sh) on a free port, for tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

__all__ = ["REPO", "free_port", "live_server"]

REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """Ask the kernel for a port nobody listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def live_server(database_url: str, workdir: Path, env_extra: dict[str, str], *, demo: bool,
                workers: int = 3) -> Iterator[str]:
    """Run setup (with or without demo data), serve with gunicorn + scheduler, yield the base URL."""
    port = free_port()
    env = {**os.environ, "ONEWINDOW_DATABASE_URL": database_url,
           "ONEWINDOW_INSTANCE_PATH": str(workdir / "instance"), "ONEWINDOW_BIND": f"127.0.0.1:{port}",
           "ONEWINDOW_WORKERS": str(workers), "VENV": str(Path(sys.executable).parent.parent),
           "ONEWINDOW_VIDEO_DEMO": "1" if demo else "0", **env_extra}
    flask = str(Path(sys.executable).parent / "flask")
    setup = subprocess.run([flask, "--app", "wsgi", "ow", "setup", "--demo" if demo else "--no-demo"],
                           cwd=REPO, env=env, capture_output=True, text=True, timeout=180)
    assert setup.returncode == 0, setup.stderr
    log_path = workdir / "server.log"
    log = open(log_path, "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen([str(REPO / "scripts" / "serve.sh")], cwd=REPO, env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{base}/api/health", timeout=2).status_code == 200:
                    break
            except requests.RequestException:  # not listening yet, or workers still booting
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(log_path.read_text()[-3000:])
            time.sleep(0.2)
        yield base
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()
