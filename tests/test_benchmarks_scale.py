"""The scale goal lines (benchmarks/scale.py): a missed incremental or start-up goal says how much of
the wall time was the command's own CPU."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `benchmarks` lives beside src/, not inside the package
    sys.path.insert(0, str(ROOT))

from benchmarks import scale  # noqa: E402


def results(add_big: float, startup: float) -> dict[str, Any]:
    return {"add_big_s": add_big, "add_big_cpu_s": 2.0, "add_small_s": 2.0, "add_small_cpu_s": 1.5,
            "startup_big_s": startup, "startup_big_cpu_s": 0.7, "startup_small_s": 0.8, "startup_small_cpu_s": 0.6,
            "ingest_rss_mb": 500.0, "ingest_pss_mb": 480.0, "raw_rss_mb": 200.0, "load": "3.0 2.0 1.0"}


def test_missed_scale_goals_print_wall_against_cpu() -> None:
    lines = scale.goals(100_000, results(add_big=6.0, startup=2.5))
    assert lines[0].endswith("FAIL") and lines[1].startswith("incremental profile: wall 6.00 s, CPU 2.00 s into 100,000")
    assert "wall 2.00 s, CPU 1.50 s into 1,000" in lines[1] and "load average 3.0 2.0 1.0" in lines[1]
    assert lines[2].endswith("FAIL") and lines[3].startswith("startup profile: wall 2.50 s, CPU 0.70 s at 100,000")


def test_met_scale_goals_print_no_profile() -> None:
    lines = scale.goals(10_000, results(add_big=2.4, startup=0.9))
    assert [line.rsplit(" ", 1)[1] for line in lines] == ["PASS", "PASS", "PASS"]
