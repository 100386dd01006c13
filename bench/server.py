"""Start OneWindow exactly as `make run` does (ow setup, then scripts/serve.sh) in a throwaway place.

Each `BenchServer` gets a fresh temp instance folder and a fresh database: a SQLite file inside
the temp folder, or a new database created on the PostgreSQL server given with `--postgres`.
Everything is undone by `close()`: the process group is killed, the database dropped, the folder removed.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import IO

import requests

__all__ = ["ADMIN_PASSWORD", "DEMO_PASSWORD", "REPO", "SECRET", "BenchServer"]

REPO = Path(__file__).resolve().parent.parent
SECRET = "bench-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
ADMIN_PASSWORD = "bench-admin-password-1"
DEMO_PASSWORD = "bench-demo-password-1"
_counter = 0


def create_pg_database(url: str, name: str) -> tuple[str, str]:
    """Make an empty database `name` on the server of `url`; return (admin URL, the new database's URL)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    base = make_url(url.replace("postgresql://", "postgresql+psycopg://", 1)
                    if url.startswith("postgresql://") else url)
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    created = base.set(database=name)
    return base.render_as_string(hide_password=False), created.render_as_string(hide_password=False)


def drop_pg_database(admin_url: str, name: str) -> None:
    """Drop a database made by create_pg_database, even with connections still open."""
    from sqlalchemy import create_engine, text

    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _group_alive(pgid: int) -> bool:
    """Tell whether a live (non-zombie) process of the group remains; zombies may wait for init."""
    try:
        entries = os.listdir("/proc")
    except OSError:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return False
        return True
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":  # fields: state, ppid, pgrp, ...
            return True
    return False


class BenchServer:
    """A set-up database plus gunicorn workers and the scheduler, started by scripts/serve.sh."""

    def __init__(self, venv: Path, postgres_url: str | None = None, workers: int = 3) -> None:
        global _counter
        _counter += 1
        self.venv = venv
        self.workers = workers
        self.dir = Path(tempfile.mkdtemp(prefix="ow-bench-"))
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self._pg_admin_url: str | None = None
        self._pg_name: str | None = None
        if postgres_url:
            self.database_url = self._create_pg_database(postgres_url, f"ow_bench_{os.getpid()}_{_counter}")
        else:
            self.database_url = f"sqlite:///{self.dir / 'onewindow.db'}"
        self.env = {
            "ONEWINDOW_DATABASE_URL": self.database_url,
            "ONEWINDOW_INSTANCE_PATH": str(self.dir / "instance"),
            "ONEWINDOW_SECRET_KEY": SECRET, "ONEWINDOW_ADMIN_PASSWORD": ADMIN_PASSWORD,
            "ONEWINDOW_DEMO_PASSWORD": DEMO_PASSWORD,
        }

    @property
    def sqlite(self) -> bool:
        """Tell whether this server's database is SQLite."""
        return self.database_url.startswith("sqlite")

    def _create_pg_database(self, url: str, name: str) -> str:
        self._pg_admin_url, database_url = create_pg_database(url, name)
        self._pg_name = name
        return database_url

    def _process_env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ONEWINDOW_")}
        env.update(self.env)
        env.update({"ONEWINDOW_BIND": f"127.0.0.1:{self.port}", "ONEWINDOW_WORKERS": str(self.workers),
                    "VENV": str(self.venv), "NO_PROXY": "127.0.0.1,localhost"})
        return env

    def setup(self) -> float:
        """Run `flask --app wsgi ow setup` (demo data included); return its duration in seconds."""
        t0 = time.perf_counter()
        done = subprocess.run([str(self.venv / "bin" / "flask"), "--app", "wsgi", "ow", "setup"], cwd=REPO,
                              env=self._process_env(), capture_output=True, text=True, timeout=300)
        if done.returncode != 0:
            raise RuntimeError(f"ow setup failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
        return time.perf_counter() - t0

    def start(self, timeout: float = 60) -> None:
        """Start scripts/serve.sh in its own session and wait until /api/health answers."""
        self._log = open(self.dir / "server.log", "wb")  # noqa: SIM115 - closed in close()
        self.proc = subprocess.Popen([str(REPO / "scripts" / "serve.sh")], cwd=REPO, env=self._process_env(),
                                     stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     start_new_session=True)
        deadline = time.monotonic() + timeout
        with requests.Session() as s:
            s.trust_env = False
            while True:
                try:
                    if s.get(f"{self.base}/api/health", timeout=2).status_code == 200:
                        return
                except requests.RequestException:
                    pass
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"server did not start:\n{self.log_tail()}")
                time.sleep(0.2)

    def cpu_seconds(self) -> dict[str, float]:
        """CPU seconds (user + system) used so far by the server's processes, by role.

        Roles: "workers" (gunicorn's request workers, the master excluded), "scheduler", "video".
        Read from /proc, so it counts what the processes really used, whatever they waited on.
        """
        assert self.proc is not None
        tick = os.sysconf("SC_CLK_TCK")
        totals = {"workers": 0.0, "scheduler": 0.0, "video": 0.0}
        rows = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                with open(f"/proc/{entry}/cmdline", "rb") as f:
                    cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if int(fields[2]) == self.proc.pid:  # fields: state, ppid, pgrp, ..., utime (11), stime (12)
                rows.append((int(entry), int(fields[1]), cmd, (int(fields[11]) + int(fields[12])) / tick))
        gunicorns = {pid for pid, _ppid, cmd, _cpu in rows if "gunicorn" in cmd}
        for _pid, ppid, cmd, cpu in rows:
            if "gunicorn" in cmd and ppid in gunicorns:
                totals["workers"] += cpu
            elif " ow scheduler" in cmd:
                totals["scheduler"] += cpu
            elif " monitor" in cmd:
                totals["video"] += cpu
        return totals

    def log_tail(self, chars: int = 3000) -> str:
        """The end of the server log, for error reports."""
        try:
            return (self.dir / "server.log").read_text(errors="replace")[-chars:]
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        """Kill the server's process group (gunicorn master, workers, scheduler)."""
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait(timeout=10)
        # serve.sh may exit before its children; give them a moment, then make sure none survives.
        deadline = time.monotonic() + 10
        while _group_alive(self.proc.pid):
            if time.monotonic() > deadline:
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                break
            time.sleep(0.1)
        self.proc = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def close(self) -> None:
        """Stop the server, drop the PostgreSQL database if we made one, remove the temp folder."""
        try:
            self.stop()
        finally:
            try:
                if self._pg_admin_url and self._pg_name:
                    drop_pg_database(self._pg_admin_url, self._pg_name)
                    self._pg_name = None
            finally:
                shutil.rmtree(self.dir, ignore_errors=True)
