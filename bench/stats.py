"""Small statistics and table helpers shared by the benchmark modules (standard library only)."""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = ["fmt_ms", "percentile", "summary", "table"]


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100); NaN for an empty sample."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def summary(values: Sequence[float]) -> dict[str, float]:
    """Count, mean, p50, p95 and max of a sample of seconds."""
    n = len(values)
    return {"n": n, "mean": sum(values) / n if n else math.nan, "p50": percentile(values, 50),
            "p95": percentile(values, 95), "max": max(values) if n else math.nan}


def fmt_ms(seconds: float, digits: int = 1) -> str:
    """Seconds as milliseconds text."""
    return "n/a" if math.isnan(seconds) else f"{seconds * 1000:.{digits}f} ms"


def table(rows: Sequence[Sequence[str]], header: Sequence[str]) -> str:
    """Render rows as a plain aligned text table."""
    widths = [max(_width(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = "  ".join("-" * w for w in widths)
    out = [_row(header, widths), line]
    out += [_row(r, widths) for r in rows]
    return "\n".join(out)


def _width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _row(cells: Sequence[str], widths: Sequence[int]) -> str:
    parts = []
    for i, (cell, w) in enumerate(zip(cells, widths, strict=True)):
        text = str(cell)
        pad = " " * (w - _width(text))
        parts.append(text + pad if i == 0 else pad + text)
    return "  ".join(parts).rstrip()
