"""The kill -9 loop of benchmarks/kill9.py, short: an ingest killed part-way on SQLite, ingested
again, ends in exactly the store a clean run makes (issue 17; the note gives 20 and 5 rounds)."""

from __future__ import annotations

import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `benchmarks` lives beside src/, not inside the package
    sys.path.insert(0, str(ROOT))

from benchmarks import kill9  # noqa: E402


def test_ingests_killed_part_way_converge_to_the_clean_store(tmp_path: Path, corpus: Path) -> None:
    inputs = [corpus / "wilson-center", corpus / "frus" / "frus1961-63v06.xml"]
    out = io.StringIO()
    corrupt, diverged = kill9.run([f"sqlite:///{tmp_path}/{n}.db" for n in range(2)], inputs, out=out)
    assert (corrupt, diverged) == (0, 0), out.getvalue()
    assert out.getvalue().splitlines()[-1] == "corrupt 0/1, not converged 0/1"
