"""Ingest order and batching: do the same inputs give the same store, byte for byte?

    python -m benchmarks.orders                       # the four shared FRUS volumes and the authority

Each plan is a list of commands, each command a list of inputs (`authority` is `fonds authority
import`, anything else `fonds ingest`). Every plan runs on a new SQLite store, through the CLI as
a user runs it; the `fonds dump --format jsonl` of each is compared with the first plan's. It
prints each plan, its time and whether its dump is the same; exit status 1 if any differs.
tests/test_convergence.py runs two orders of the real volumes in CI (issue 17).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
VOLUMES = sorted((CORPUS / "frus").glob("*.xml"))
AUTHORITY = CORPUS / "authority"

Plan = list[list[Path]]


def plans(volumes: Sequence[Path], authority: Path | None) -> dict[str, Plan]:
    """Together; one at a time forwards and backwards; pairs; and, with an authority, the
    authority first and last."""
    v = list(volumes)
    found: dict[str, Plan] = {
        "all together": [v],
        "one by one": [[p] for p in v],
        "one by one, reversed": [[p] for p in reversed(v)],
        "pairs, last first": [v[len(v) // 2:], v[:len(v) // 2]],
        "one by one, middle out": [[p] for p in v[1::2] + v[0::2]],
    }
    if authority is not None:
        found = {name: [*plan, [authority]] for name, plan in found.items()}
        found["authority first, reversed"] = [[authority], *([p] for p in reversed(v))]
    return found


def run_plan(plan: Plan, folder: Path, name: str, env: dict[str, str]) -> tuple[str, float]:
    db = f"sqlite:///{folder / name}.db"
    base = [sys.executable, "-m", "fonds.cli", "--db", db, "--index", str(folder / f"{name}-index")]
    started = time.monotonic()
    for inputs in plan:
        if inputs == [AUTHORITY] or (len(inputs) == 1 and inputs[0].is_dir() and inputs[0].name == "authority"):
            command = [*base, "authority", "import", str(inputs[0])]
        else:
            command = [*base, "ingest", *map(str, inputs)]
        subprocess.run(command, env=env, check=True, capture_output=True)
    took = time.monotonic() - started
    dump = subprocess.run([*base, "dump", "--format", "jsonl"], env=env, check=True, capture_output=True).stdout
    return dump.decode("utf-8"), took


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-authority", action="store_true", help="the volumes only")
    parser.add_argument("volumes", nargs="*", type=Path, default=VOLUMES)
    args = parser.parse_args(argv)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    differ = 0
    with tempfile.TemporaryDirectory() as scratch:
        first: str | None = None
        for number, (name, plan) in enumerate(plans(args.volumes, None if args.no_authority else AUTHORITY).items()):
            dump, took = run_plan(plan, Path(scratch), f"plan{number}", env)
            first = dump if first is None else first
            same = dump == first
            differ += not same
            lines = dump.count("\n")
            state = "same dump" if same else f"DIFFERS ({sum(a != b for a, b in zip(dump.splitlines(), first.splitlines()))} lines)"
            print(f"{name}: {len(plan)} commands, {took:.1f} s, {lines} dump lines; {state}", flush=True)
    print(f"{differ} of {number + 1} plans differ from the first")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
