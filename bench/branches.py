"""Does a step cost more when more branches are open? A 20-branch approval against a 4-branch one.

In-process, with the real commands on a set-up SQLite database: per whole approval, registration,
then every review completed one by one, then the lead's decision. Bare SpiffWorkflow runs the same
two diagrams for comparison: its ratio is what the diagram itself costs, ours should not grow faster.
"""

from __future__ import annotations

import contextlib
import time
from pathlib import Path
from typing import Any

from .baseline import parse, run_bare
from .diagrams import parallel_review
from .server import BenchServer

__all__ = ["BRANCHES", "bench_branches"]

BRANCHES = (4, 20)


def _departments(n: int) -> tuple[str, ...]:
    return tuple(f"b{i:02d}" for i in range(1, n + 1))


def bench_branches(venv: Path, instances: int) -> dict[str, Any]:
    """Seconds per whole approval, ours and bare, for each branch count in BRANCHES."""
    from sqlalchemy import select

    from api.wiring import db
    from engine.commands import Actor, CompleteTaskCommand, StartInstanceCommand
    from engine.commands.deployment import DeployDefinitionCommand
    from engine.commands.org import CreateDepartmentCommand
    from engine.models import TaskRecord

    from .inprocess import InProcessEngine

    out: dict[str, Any] = {}
    with contextlib.ExitStack() as stack:
        server = BenchServer(venv)
        stack.callback(server.close)
        server.setup()
        engine = InProcessEngine(server.env)
        stack.callback(engine.close)
        executor, system = engine.services.executor, Actor.system("bench")
        window, lead = Actor("window1", "window", "zwfw"), Actor("fgw_lead", "lead", "fgw")
        with engine.app.app_context():
            for code in _departments(max(BRANCHES)):
                executor.execute(CreateDepartmentCommand(code, f"基准部门{code}"), system)
            for n in BRANCHES:
                key = f"branches{n}"
                xml = parallel_review(key, _departments(n))
                executor.execute(DeployDefinitionCommand(xml, f"{key}.bpmn"), system)
                times = []
                for i in range(instances + 1):  # the first warms the caches and is not counted
                    t0 = time.perf_counter()
                    instance = executor.execute(StartInstanceCommand(
                        key, {"name": f"分支项目 {i}", "code": f"BR-{n}-{i}", "investment": 1_000_000},
                        {"name": "基准单位", "contact": "0571-80000000"}), window)
                    ready = db.session.scalars(select(TaskRecord).where(
                        TaskRecord.instance_id == instance.id, TaskRecord.status == "ready")).all()
                    db.session.remove()
                    for task in ready:
                        executor.execute(CompleteTaskCommand(task.id, {}, "approve", "同意"),
                                         Actor(f"{task.department_code}_r", "reviewer", task.department_code))
                    decide = db.session.scalar(select(TaskRecord.id).where(
                        TaskRecord.instance_id == instance.id, TaskRecord.bpmn_id == "decide"))
                    db.session.remove()
                    executor.execute(CompleteTaskCommand(decide, {}, "approve", "准予"), lead)
                    if i:
                        times.append(time.perf_counter() - t0)
                bare = run_bare(parse(xml, key), max(20, instances), serialized=False)
                out[n] = {"ours": sum(times) / len(times), "bare": sum(bare.instance) / len(bare.instance),
                          "instances": instances}
    return out
