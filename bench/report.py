"""Print the benchmark's figures as plain tables, with the targets beside them (context, not gates)."""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import os
import platform
import sqlite3
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

from .http_load import LoadResult
from .stats import fmt_ms, summary, table

__all__ = ["header", "load_average", "print_bare", "print_latency", "print_sizes", "print_summary",
           "print_throughput"]

TARGET_APPROVALS = 50.0
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


def print_throughput(result: LoadResult, clients: int, warmup: float) -> float:
    """Section 1; return approvals per second."""
    rate = result.approvals / result.seconds
    _section(f"1. Whole 4-branch approvals over HTTP ({clients} client threads in a separate "
             f"process, {result.seconds:.0f} s after {warmup:.0f} s warm-up)")
    print(f"approvals completed: {result.approvals}  ->  {rate:.2f} approvals/s   (target >= "
          f"{TARGET_APPROVALS:.0f}/s)   errors: {len(result.errors)}")
    print(f"server's Connection header: {result.connection_header}  (gunicorn sync workers close every "
          "connection, so each request pays a new TCP connection despite the client's keep-alive)")
    for err in result.errors[:3]:
        print(f"  error: {err}")
    names = {"start": "POST /api/instances", "detail": "GET /api/instances/{id} (jiancha)",
             "claim": "POST /api/tasks/{id}/claim", "complete": "POST /api/tasks/{id}/complete (review)",
             "decide": "POST /api/tasks/{id}/complete (lead decide)"}
    rows = []
    for kind, label in names.items():
        s = summary(result.latencies.get(kind, []))
        rows.append([label, str(s["n"]), fmt_ms(s["p50"]), fmt_ms(s["p95"]), fmt_ms(s["max"])])
    print(table(rows, ["request (12 per approval)", "n", "p50", "p95", "max"]))
    return rate


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


def print_summary(rate: float | None, latency: dict[str, Any], bare: dict[str, Any],
                  state_ratio: float) -> None:
    """The figures beside their targets."""
    _section("Summary (targets are context, not gates)")
    bare_task = summary(bare["memory"].review)["p50"]
    rows = []
    if rate is not None:
        rows.append(["whole 4-branch approvals/s over HTTP", f"{rate:.2f}", f">= {TARGET_APPROVALS:.0f}"])
    first, last = latency["levels"][0], latency["levels"][-1]
    rows.append([f"server task p50 at {first['open']:,} open / bare in-memory task p50",
                 f"{first['p50'] / bare_task:.1f}x  ({fmt_ms(first['p50'])} / {fmt_ms(bare_task, 2)})",
                 f"<= {TARGET_TASK_RATIO}x"])
    rows.append(["in-process command p50 / bare in-memory task p50",
                 f"{latency['inprocess']['p50'] / bare_task:.1f}x", "(context)"])
    flat = f"{last['p50'] / first['p50']:.2f}x  (p95 {last['p95'] / first['p95']:.2f}x)"
    rows.append([f"task p50 at {last['open']:,} / at {first['open']:,} open", flat, "flat (~1x)"])
    if not math.isnan(state_ratio):
        rows.append(["OneWindow state / SpiffWorkflow JSON bytes (mid-way)", f"{state_ratio:.2f}",
                     f"<= {TARGET_STATE_RATIO}"])
    print(table(rows, ["figure", "measured", "target"]))
