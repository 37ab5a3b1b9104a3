"""The OCR goal line of `make bench` (benchmarks/renditions.py): PASS only at 0.9x the better
tesseract CLI run, and a missed goal followed by the profile that says where the time went."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `benchmarks` lives beside src/, not inside the package
    sys.path.insert(0, str(ROOT))

from benchmarks import renditions  # noqa: E402


def figures(fonds_seconds: float, fonds_cpu: float) -> dict[str, Any]:
    pages = 5
    return {
        "ocr_pages": pages, "workers": 2,
        "cli_seconds": 30.0, "cli_pages_per_second": pages / 30.0, "cli_cpu_seconds": 35.0,
        "cli_parallel_seconds": 2.5, "cli_parallel_pages_per_second": pages / 2.5, "cli_parallel_cpu_seconds": 4.5,
        "fonds_seconds": fonds_seconds, "fonds_pages_per_second": pages / fonds_seconds, "fonds_cpu_seconds": fonds_cpu,
        "attach_pages_per_second": 3.5, "attach_texts_per_second": 130.0,
    }


def test_the_goal_is_held_to_the_better_cli_run() -> None:
    lines = renditions.goals(figures(fonds_seconds=2.6, fonds_cpu=4.8))  # 1.92 pages/s against 2.0: 0.96
    assert lines[0].startswith("goal ocr:") and "ratio 0.96" in lines[0] and lines[0].endswith("PASS")
    assert not any(line.startswith("ocr profile") for line in lines)


def test_a_missed_goal_says_where_the_time_went() -> None:
    lines = renditions.goals(figures(fonds_seconds=3.2, fonds_cpu=5.6))  # 1.56 pages/s: 0.78
    assert lines[0].endswith("FAIL") and "ratio 0.78" in lines[0]
    profile = lines[1]
    assert profile.startswith("ocr profile: fonds 0.64 s a page, 1.12 CPU s a page, 1.75 cores busy")
    assert "the CLI 2 at once 0.50 s a page, 0.90 CPU s a page, 1.80 cores busy" in profile
    assert profile.endswith("fonds's CPU over the CLI's 1.24x")
    assert lines[2].startswith("goal attach:")
