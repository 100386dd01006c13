"""Print the benchmark's figures as plain tables, with the targets beside them (context, not gates)."""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import os
import platform
import sqlite3
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from .http_load import FLOOR_PATH, REQUESTS_PER_APPROVAL, LoadResult
from .stats import fmt_ms, summary, table

__all__ = ["ThroughputRun", "header", "load_average", "print_bare", "print_latency", "print_sizes",
           "print_summary", "print_throughput"]

TARGET_APPROVALS = 60.0
TARGET_RATE_RATIO = 0.5
TARGET_TASK_RATIO = 1.5
TARGET_STATE_RATIO = 0.5


def load_average() -> str:
    """The 1/5/15-minute load averages, if the platform has them."""
    try:
        return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "load average n/a"


def header(server_workers: int, backend: str) -> str:
    """Date, machine, versions and how busy the machine already is."""
    cpu = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = ", " + line.split(":", 1)[1].strip()
                break
    return "\n".join([
        "OneWindow benchmark — " + dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        f"machine : nproc {os.cpu_count()}{cpu}; {platform.system()} {platform.release()}",
        f"python  : {platform.python_version()} ({sys.executable})",
        f"sqlite  : {sqlite3.sqlite_version};  SpiffWorkflow {metadata.version('SpiffWorkflow')};  "
        f"gunicorn {metadata.version('gunicorn')} (sync workers)",
        f"server  : scripts/serve.sh, {server_workers} gunicorn workers + scheduler; database: {backend}",
        f"load    : {load_average()} before starting (other processes on these cores skew every figure)",
    ])


def _section(title: str) -> None:
    print(f"\n== {title} ==", flush=True)


@dataclass(frozen=True)
class ThroughputRun:
    """One approvals/s run: where it ran, its rate, and the server CPU each approval cost."""

    label: str
    rate: float
    worker_cpu_ms: float  # gunicorn workers' CPU per approval
    scheduler_cpu_ms: float
    ceiling: float  # approvals/s if approving cost nothing: no-work requests/s / requests per approval


def print_throughput(label: str, result: LoadResult, args: Any, workers: int | None = None) -> ThroughputRun:
    """Section 1 for one backend and worker count."""
    rate = result.approvals / result.seconds
    workers = workers or args.server_workers
    _section(f"1. Whole 4-branch approvals over HTTP on {label} ({args.clients} client threads in a "
             f"separate process, {workers} gunicorn workers, {result.seconds:.0f} s after "
             f"{args.warmup:.0f} s warm-up)")
    print(f"approvals completed: {result.approvals}  ->  {rate:.2f} approvals/s   (target >= "
          f"{TARGET_APPROVALS:.0f}/s)   errors: {len(result.errors)}")
    done = max(1, result.approvals_all)
    cpu = {role: 1000 * seconds / done for role, seconds in result.server_cpu.items()}
    print(f"server CPU per approval ({done} approvals, warm-up included): "
          f"workers {cpu.get('workers', 0):.1f} ms, scheduler {cpu.get('scheduler', 0):.1f} ms, "
          f"video worker {cpu.get('video', 0):.1f} ms")
    print(f"server's Connection header: {result.connection_header}  (gunicorn sync workers close every "
          "connection, so each request pays a new TCP connection despite the client's keep-alive)")
    ceiling = result.floor_rps / REQUESTS_PER_APPROVAL
    print(f"HTTP floor: {result.floor_rps:.0f} no-work authenticated requests/s (GET {FLOOR_PATH}) on this "
          f"server  ->  at most {ceiling:.1f} approvals/s of {REQUESTS_PER_APPROVAL} requests if the "
          f"approval work cost nothing; approvals reach {rate / ceiling:.2f} of that ceiling")
    for err in result.errors[:3]:
        print(f"  error: {err}")
    names = {"start": "POST /api/instances", "detail": "GET /api/instances/{id} (jiancha)",
             "claim": "POST /api/tasks/{id}/claim", "complete": "POST /api/tasks/{id}/complete (review)",
             "decide": "POST /api/tasks/{id}/complete (lead decide)"}
    rows = []
    for kind, name in names.items():
        s = summary(result.latencies.get(kind, []))
        rows.append([name, str(s["n"]), fmt_ms(s["p50"]), fmt_ms(s["p95"]), fmt_ms(s["max"])])
    print(table(rows, ["request (12 per approval)", "n", "p50", "p95", "max"]))
    return ThroughputRun(label, rate, cpu.get("workers", math.nan), cpu.get("scheduler", math.nan), ceiling)


def print_latency(out: dict[str, Any]) -> None:
    """Section 2 and the in-process profile."""
    _section("2. One task completion (POST /api/tasks/{id}/complete, sequential client) vs open instances")
    rows = [[f"{lv['open']:,}", lv["method"], "n/a" if math.isnan(lv["rate"]) else f"{lv['rate']:.0f}/s",
             str(lv["n"]), fmt_ms(lv["p50"]), fmt_ms(lv["p95"]), fmt_ms(lv["max"])] for lv in out["levels"]]
    print(table(rows, ["open instances", "pre-created via", "creation rate", "n", "p50", "p95", "max"]))
    s = out["inprocess"]
    print(f"same command in-process (no HTTP, no gunicorn) at {out['inprocess_open']:,} open: "
          f"p50 {fmt_ms(s['p50'])}, p95 {fmt_ms(s['p95'])} (n={s['n']})")
    print("target: flat from 1k to 100k open instances")
    if "profile" in out:
        total, count, parts = out["profile"]
        if not count:
            print("(no untouched instances left to profile: raise the highest --open-levels)")
            return
        _section(f"   where an in-process completion spends its time (cProfile of {count} completions, "
                 f"cumulative; {total * 1000 / count:.1f} ms each with profiler overhead)")
        rows = [[label, f"{sec * 1000 / count:.2f} ms", f"{100 * sec / total:.0f}%"] for label, sec in parts]
        print(table(rows, ["part (rows may nest: they do not add up)", "per completion", "share"]))


def print_sizes(sizes: list[dict[str, float]], bare: dict[str, Any]) -> float:
    """Section 3; return the mid-way ratio of OneWindow state to SpiffWorkflow JSON."""
    _section("3. Stored state bytes per open instance, by reviews completed (of 4)")
    if not sizes:
        print("no open instances found")
        return math.nan
    rows = [[f"{int(g['completed'])} of 4", f"{int(g['instances']):,}", str(int(g["sample"])),
             f"{g['state_bytes']:,.0f} B", f"{g['spiff_json_bytes']:,.0f} B",
             f"{g['state_bytes'] / g['spiff_json_bytes']:.2f}"] for g in sizes]
    print(table(rows, ["reviews done", "instances", "sampled", "OneWindow instance.state",
                       "SpiffWorkflow serialize_json", "ratio"]))
    full, spec = bare["midway"]
    print("(OneWindow stores the state without the spec, which is kept once per version; the stock JSON "
          f"includes it:\n bare run at 2 of 4 reviews: {full:,} B, of which spec {spec:,} B)")
    midway = next((g for g in sizes if g["completed"] == 2), sizes[len(sizes) // 2])
    ratio = midway["state_bytes"] / midway["spiff_json_bytes"]
    print(f"mid-way ({int(midway['completed'])} of 4 reviews done) ratio OneWindow / SpiffWorkflow JSON: "
          f"{ratio:.2f}   (target <= {TARGET_STATE_RATIO})")
    return ratio


def print_bare(bare: dict[str, Any]) -> None:
    """Section 4."""
    _section("4. Bare SpiffWorkflow 3.2 in-process, same diagram (RestrictedScriptEngine, no DB, no HTTP)")
    rows = []
    for name, res in (("in memory", bare["memory"]), ("full JSON round trip per step", bare["json"])):
        inst, rev, dec, st = (summary(x) for x in (res.instance, res.review, res.decide, res.start))
        rows.append([name, str(inst["n"]), fmt_ms(inst["p50"], 2), fmt_ms(st["p50"], 2),
                     fmt_ms(rev["p50"], 2), fmt_ms(rev["p95"], 2), fmt_ms(dec["p50"], 2)])
    print(table(rows, ["mode", "instances", "whole instance p50", "start p50", "review task p50",
                       "review p95", "decide p50"]))


def print_summary(runs: list[ThroughputRun], latency: dict[str, Any], bare: dict[str, Any],
                  state_ratio: float) -> None:
    """The figures beside their targets, as ratios to bare SpiffWorkflow measured in this same run."""
    _section("Summary (targets are context, not gates; bare = SpiffWorkflow in memory, one core, this run)")
    bare_task = summary(bare["memory"].review)["p50"]
    bare_instance = sum(bare["memory"].instance) / max(1, len(bare["memory"].instance))
    bare_rate = 1 / bare_instance
    rows = [["bare SpiffWorkflow whole approvals/s (one core)", f"{bare_rate:.0f}", "(baseline)"]]
    for run in runs:
        rows.append([f"approvals/s over HTTP, {run.label} / bare",
                     f"{run.rate / bare_rate:.2f}x  ({run.rate:.1f}/s)", f">= {TARGET_RATE_RATIO}x"])
        rows.append([f"  HTTP floor, {run.label}: no-work approvals/s / bare",
                     f"{run.ceiling / bare_rate:.2f}x  ({run.ceiling:.1f}/s)", "(ceiling of the row above)"])
        rows.append([f"worker CPU per approval, {run.label} / bare approval",
                     f"{run.worker_cpu_ms / 1000 / bare_instance:.1f}x  ({run.worker_cpu_ms:.0f} ms / "
                     f"{fmt_ms(bare_instance, 2)})", f"<= {TARGET_TASK_RATIO}x"])
    pg = {run.label: run.rate for run in runs if run.label.startswith("PostgreSQL")}
    one, two = pg.get("PostgreSQL, 1 worker"), pg.get("PostgreSQL, 2 workers")
    if one and two:
        rows.append(["PostgreSQL approvals/s, 2 workers / 1 worker", f"{two / one:.2f}x", "grows with cores"])
    branches = bare.get("branches")
    if branches:
        few, many = branches[4], branches[20]
        rows.append(["whole 20-branch / 4-branch approval, in-process (bare SpiffWorkflow: "
                     f"{many['bare'] / few['bare']:.1f}x)",
                     f"{many['ours'] / few['ours']:.1f}x  ({fmt_ms(many['ours'])} / {fmt_ms(few['ours'])})",
                     "<= 5x"])
    first, last = latency["levels"][0], latency["levels"][-1]
    rows.append([f"server task p50 at {first['open']:,} open / bare in-memory task p50",
                 f"{first['p50'] / bare_task:.1f}x  ({fmt_ms(first['p50'])} / {fmt_ms(bare_task, 2)})",
                 "(context: includes HTTP)"])
    rows.append(["in-process command p50 / bare in-memory task p50",
                 f"{latency['inprocess']['p50'] / bare_task:.1f}x", "(context)"])
    flat = f"{last['p50'] / first['p50']:.2f}x  (p95 {last['p95'] / first['p95']:.2f}x)"
    rows.append([f"task p50 at {last['open']:,} / at {first['open']:,} open", flat, "<= 1.2x"])
    if not math.isnan(state_ratio):
        rows.append(["OneWindow state / SpiffWorkflow JSON bytes (mid-way)", f"{state_ratio:.2f}",
                     f"<= {TARGET_STATE_RATIO}"])
    print(table(rows, ["figure", "measured", "target"]))
