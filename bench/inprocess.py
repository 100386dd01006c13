"""OneWindow's engine in the benchmark's own process, on the same database the server uses.

Used to pre-create many open instances quickly (the real `StartInstanceCommand`, one transaction
each, exactly as the API runs it), to pick tasks and measure stored state with SQL, and to time
and profile `CompleteTaskCommand` without HTTP in the way.
"""

from __future__ import annotations

import cProfile
import pstats
import random
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from sqlalchemy import bindparam, text

from api import create_app
from api.wiring import db
from engine.commands import Actor, CompleteTaskCommand, StartInstanceCommand

from .http_load import DEFINITION_KEY

__all__ = ["InProcessEngine", "TaskPick"]

TaskPick = tuple[str, str]  # (task id, department code)
WINDOW = Actor("window1", "window", "zwfw")
REVIEW_ORDER = ("zrzy", "sthj", "sw")  # at most three of four reviews: never reaches the join

# (label, file suffix, function name): cumulative time of these in a profile of completions.
PROFILE_PARTS: tuple[tuple[str, str, str], ...] = (
    ("load task row + authorize", "engine/commands/guards.py", "department_task"),
    ("restore state (json.loads + Spiff from_dict)", "engine/workflow_state.py", "load_state"),
    ("json.loads (every caller)", "json/__init__.py", "loads"),
    ("act: re-read row + task.run()", "engine/commands/tasks.py", "act"),
    ("do_engine_steps", "SpiffWorkflow/bpmn/workflow.py", "do_engine_steps"),
    ("save state (Spiff to_dict + json.dumps)", "engine/workflow_state.py", "dump_state"),
    ("_current_data (copy for read paths)", "engine/unit_of_work.py", "_current_data"),
    ("_sync_task_index", "engine/unit_of_work.py", "_sync_task_index"),
    ("_sync_timers", "engine/unit_of_work.py", "_sync_timers"),
    ("audit append_event (hash chain)", "engine/audit.py", "append_event"),
    ("session.commit (flush + COMMIT)", "sqlalchemy/orm/session.py", "commit"),
    ("all SQL statements (overlaps the rows above)", "sqlalchemy/engine/base.py", "_execute_context"),
)


class InProcessEngine:
    """A OneWindow app object built from the same environment as the server."""

    def __init__(self, environ: dict[str, str]) -> None:
        self.app = create_app({"ONEWINDOW_ENVIRON": dict(environ)})
        self.services = self.app.extensions["onewindow"]
        self.url = self.services.settings.database_url

    def rows(self, sql: str, **params: Any) -> list[Any]:
        """Run a read query; list parameters are expanded for IN (...)."""
        statement = text(sql)
        for name, value in params.items():
            if isinstance(value, (list, tuple)):
                statement = statement.bindparams(bindparam(name, expanding=True))
        with self.app.app_context():
            result = list(db.session.execute(statement, params))
            db.session.remove()
        return result

    def open_instances(self) -> int:
        """How many instances are running (demo applications included)."""
        return int(self.rows("SELECT count(*) FROM instance WHERE status = 'running'")[0][0])

    def start_instances(self, count: int, progress: Callable[[int], None] | None = None) -> float:
        """Start `count` instances through the executor; return the seconds it took."""
        executor = self.services.executor
        t0 = time.perf_counter()
        with self.app.app_context():
            for i in range(count):
                executor.execute(StartInstanceCommand(
                    DEFINITION_KEY, {"name": f"预建项目 {i}", "code": f"PRE-{i}", "investment": 8_000_000},
                    {"name": "预建申请单位", "contact": "0571-87000000"}, {"floors": 3}), WINDOW)
                if progress is not None and (i + 1) % 1000 == 0:
                    progress(i + 1)
            db.session.remove()
        return time.perf_counter() - t0

    def pick_review_tasks(self, count: int, rng: random.Random) -> list[TaskPick]:
        """Pick ready review tasks of untouched open instances, at most three per instance."""
        untouched = [r[0] for r in self.rows(
            "SELECT i.id FROM instance i WHERE i.status = 'running' AND i.definition_key = :key "
            "AND NOT EXISTS (SELECT 1 FROM task t WHERE t.instance_id = i.id AND t.status <> 'ready')",
            key=DEFINITION_KEY)]
        chosen = rng.sample(untouched, min(len(untouched), count))
        per_instance = min(len(REVIEW_ORDER), -(-count // max(1, len(chosen))))
        tasks = {(r[1], r[2]): r[0] for r in self.rows(
            "SELECT id, instance_id, department_code FROM task WHERE status = 'ready' "
            "AND instance_id IN :ids", ids=chosen)}
        picks = [(tasks[(iid, dept)], dept) for dept in REVIEW_ORDER[:per_instance] for iid in chosen
                 if (iid, dept) in tasks]
        return picks[:count]

    def complete(self, picks: Sequence[TaskPick]) -> list[float]:
        """Complete tasks in-process with the real command; return seconds per completion."""
        executor = self.services.executor
        times = []
        with self.app.app_context():
            for task_id, dept in picks:
                t0 = time.perf_counter()
                executor.execute(CompleteTaskCommand(task_id, {}, "approve", "同意"),
                                 Actor(f"{dept}_reviewer", "reviewer", dept))
                times.append(time.perf_counter() - t0)
            db.session.remove()
        return times

    def profile(self, picks: Sequence[TaskPick]) -> tuple[float, list[tuple[str, float]]]:
        """CProfile completions; return total seconds and the cumulative seconds of each part."""
        profiler = cProfile.Profile()
        profiler.enable()
        t0 = time.perf_counter()
        self.complete(picks)
        total = time.perf_counter() - t0
        profiler.disable()
        stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
        parts = []
        for label, suffix, name in PROFILE_PARTS:
            seconds = sum(v[3] for (file, _line, func), v in stats.items()
                          if func == name and file.replace("\\", "/").endswith(suffix))
            parts.append((label, seconds))
        return total, parts

    def state_sizes(self, per_group: int = 20) -> list[dict[str, float]]:
        """Compare our stored state with stock SpiffWorkflow JSON, per number of completed reviews.

        Both are averaged over the same instances: ours as stored, Spiff's after restoring them and
        serializing with the spec included.
        """
        sqlite = self.url.startswith("sqlite")
        byte_length = "length(CAST(state AS BLOB))" if sqlite else "octet_length(state)"
        rows = self.rows(
            f"SELECT i.id, i.definition_id, {byte_length}, "
            "(SELECT count(*) FROM task t WHERE t.instance_id = i.id AND t.status = 'completed') "
            "FROM instance i WHERE i.status = 'running' AND i.definition_key = :key ORDER BY i.id",
            key=DEFINITION_KEY)
        groups: dict[int, list[Any]] = {}
        for row in rows:
            groups.setdefault(int(row[3]), []).append(row)
        serializer = BpmnWorkflowSerializer()
        runtime = self.services.runtime
        out = []
        for done in sorted(groups):
            sample = groups[done][:per_group]
            spiff_sizes = []
            for instance_id, definition_id, _size, _done in sample:
                state, state_format = self.rows("SELECT state, state_format FROM instance WHERE id = :id",
                                                id=instance_id)[0]
                spec_json = self.rows("SELECT spec_json FROM process_definition WHERE id = :id",
                                      id=definition_id)[0][0]
                workflow = runtime.load_workflow(runtime.specs(definition_id, lambda s=spec_json: s), state,
                                                 state_format)
                spiff_sizes.append(len(serializer.serialize_json(workflow).encode()))
            out.append({"completed": done, "instances": len(groups[done]), "sample": len(sample),
                        "state_bytes": sum(r[2] for r in sample) / len(sample),
                        "spiff_json_bytes": sum(spiff_sizes) / len(spiff_sizes)})
        return out

    def close(self) -> None:
        """Release database connections (the PostgreSQL database may be dropped next)."""
        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()


def progress_printer(total: int) -> Callable[[int], None]:
    """A progress callback writing to stderr so stdout keeps only the report."""
    t0 = time.perf_counter()

    def report(done: int) -> None:
        rate = done / max(1e-9, time.perf_counter() - t0)
        print(f"    ... {done}/{total} instances started in-process ({rate:.0f}/s)", file=sys.stderr,
              flush=True)

    return report
