"""`python -m bench`: every benchmark of bench/, one table.

Each figure is a ratio against a baseline measured in the same run (the machines are shared and
noisy): the import against a bare csv + sqlite3 floor, ranking 10× against 1×, the journey
against a bare aiogram echo bot on the same sandbox, the broadcast against the floor the
platform's rate allows, memory against the echo bot's.

    python -m bench [--quick]
    python -m bench deadline [--rate 210] [--duration 60] …   (bench/deadline.py)
"""

from __future__ import annotations

import argparse
import importlib
import platform
import sys
import time

from rich.console import Console
from rich.table import Table


def main() -> None:
    if sys.argv[1:2] == ["deadline"]:  # `python -m bench deadline …`: its own options
        from bench.deadline import main as deadline

        deadline(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description="run every benchmark and print one table")
    parser.add_argument("--quick", action="store_true",
                        help="fewer owners and a lower broadcast rate, for a smoke run")
    quick = parser.parse_args().quick
    console = Console()
    rows: list[tuple[str, str, str, str]] = []
    started = time.perf_counter()

    r = importlib.import_module("bench.import").run()
    rows.append(("registry import", f"{r['offices']:.0f} offices in {r['seconds']:.2f} s "
                 f"({r['per_second']:,.0f}/s)", f"{r['ratio']:.1f}× the csv+sqlite3 floor",
                 "whole file < 3 s: " + ("met" if r["seconds"] < 3 else "NOT met")))

    from bench import ranking
    r = ranking.run()
    rows.append(("ranking", f"{r['offices']} offices in {r['seconds_1x']:.2f} s "
                 f"({r['offices_per_second']:,.0f}/s)", f"10×/1× = {r['ratio']:.1f}",
                 f"< 1 s: {'met' if r['goal_seconds_met'] else 'NOT met'}; "
                 f"ratio < 12: {'met' if r['goal_ratio_met'] else 'NOT met'}"))

    from bench import journey
    owners = 40 if quick else 200
    saturated = journey.run(owners, 0.0)
    rows.append((f"journey, {owners} owners, no pause",
                 f"{saturated['journey']['per_second']:.0f} actions/s "
                 f"(echo {saturated['echo']['per_second']:.0f}/s)",
                 f"{saturated['ratio']['throughput']:.2f} of the echo bot",
                 "≥ 0.5: " + ("met" if saturated["ratio"]["throughput"] >= 0.5 else "NOT met")))
    paced = journey.run(owners, 1.0)
    rows.append((f"journey, {owners} owners, 1 s between taps",
                 f"p50 {paced['journey']['p50_ms']:.0f} ms, p99 "
                 f"{paced['journey']['p99_ms']:.0f} ms",
                 f"echo p50 {paced['echo']['p50_ms']:.0f} ms, p99 "
                 f"{paced['echo']['p99_ms']:.0f} ms",
                 "p99 < 100 ms: " + ("met" if paced["journey"]["p99_ms"] < 100 else "NOT met")))


    from bench import requests
    c = requests.run()
    for name in ("telegram", "bale"):
        rows.append((f"a call to {name}, encoded", f"JSON {c[name + '_json_us']:.0f} µs",
                     f"aiogram's form {c[name + '_form_us']:.0f} µs: {c[name + '_ratio']:.2f}",
                     "—"))

    from bench import broadcast
    rate = 100.0 if quick else 200.0
    for name, b in broadcast.run(rate).items():
        rows.append((f"broadcast 7,943 at {rate:.0f}/s, {name}",
                     f"{b['elapsed_seconds']:.1f} s, lost {b['lost']}, "
                     f"twice {b['duplicates']}", f"{b['ratio']:.3f} × the floor",
                     f"≤ {1.05 if name == 'clean' else 1.15}: " + (
                         "met" if b["ratio"] <= (1.05 if name == "clean" else 1.15)
                         else "NOT met")))

    from bench import memory
    m = memory.run(100 if quick else 500)
    rows.append((f"memory, {m['owners']:.0f} drafts in progress",
                 f"{m['bot_mb']:.0f} MB peak RSS", f"{m['ratio']:.1f}× the echo bot",
                 "< 200 MB: " + ("met" if m["bot_mb"] < 200 else "NOT met")))

    table = Table(title=f"pishkhan benchmarks — {platform.node()}, {platform.machine()}, "
                        f"Python {platform.python_version()}, {_cores()} cores, "
                        f"{time.perf_counter() - started:.0f} s")
    for column in ("benchmark", "figure", "against the baseline", "goal"):
        table.add_column(column)
    for row in rows:
        table.add_row(*row)
    console.print(table)


def _cores() -> int:
    import os

    return os.cpu_count() or 1


if __name__ == "__main__":
    main()
