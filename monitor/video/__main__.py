"""`python -m monitor.video analyze CLIP --config CAMERA.json [--json]`: the offline analysis CLI."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path

from marshmallow import ValidationError

from .offline import analyze_clip, dumps, find_reference, load_reference

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, analyse the clip, print the events; exit 0, or 2 on bad input."""
    parser = argparse.ArgumentParser(prog="python -m monitor.video",
                                     description="Offline video supervision analysis (no database)")
    commands = parser.add_subparsers(dest="command", required=True)
    analyze = commands.add_parser("analyze", help="list the off-post, asleep and crowding events of a clip")
    analyze.add_argument("clip", type=Path)
    analyze.add_argument("--config", type=Path, required=True, help="camera JSON (the registry's schema)")
    analyze.add_argument("--reference", type=Path, default=None,
                         help="empty-scene picture or folder of pictures (default: <clip>-reference.png)")
    analyze.add_argument("--start", default=None,
                         help="ISO instant of the first frame; applies the schedule "
                              "(default: every moment is working time)")
    analyze.add_argument("--json", action="store_true", help="print JSON [{kind, zone, start_s, end_s}]")
    args = parser.parse_args(argv)
    try:
        config = json.loads(args.config.read_text())
        reference_path = args.reference or find_reference(args.clip)
        if reference_path is None:
            raise ValueError("no reference: pass --reference or put <clip>-reference.png beside the clip")
        start = datetime.fromisoformat(args.start) if args.start else None
        if start is not None and start.tzinfo is None:
            raise ValueError("--start needs a time zone, e.g. 2026-09-18T10:00:00+08:00")
        events = analyze_clip(args.clip, config, load_reference(reference_path), start)
    except ValidationError as exc:
        messages = json.dumps(exc.messages, ensure_ascii=False)
        print(f"invalid camera configuration: {messages}", file=sys.stderr)
        return 2
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(dumps(events))
    else:
        for e in events:
            end = "open" if e["end_s"] is None else f"{e['end_s']:.1f}s"
            print(f"{e['kind']:<9} {e['zone']:<10} {e['start_s']:>8.1f}s → {end}")
        print(f"{len(events)} event(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
