"""A deterministic benchmark corpus of N records, resampled from the shared FRUS volumes.

Every record starts from one real FRUS document (picked at random with a fixed
seed) and keeps its title, type, persons, source, languages and collections, so
those are spread as in the real data. Its date is the real one moved by up to
two months (day-precise dates only), and half of its paragraphs are swapped for
paragraphs drawn from the whole corpus, so term statistics stay realistic while
the N records differ from one another.

Records are written as Record JSON Lines, `PER_FILE` to a file, so that
`fonds ingest` stores one file per transaction. The first file begins with the
volumes' collections and persons as dump lines (`{"entity": ...}`), because the
store refuses a person link to an entry it does not hold.

    python -m benchmarks.corpus --size 10k          # writes benchmarks/out/corpus-10000-s7/
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
from pathlib import Path
from typing import Any, Iterator, Sequence

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
FRUS = HERE.parent.parent / "shared" / "corpus" / "frus"
SIZES = {"2k": 2_000, "10k": 10_000, "100k": 100_000, "1m": 1_000_000}
SEED = 7
PER_FILE = 1_000
VERSION = 2  # bump when the generator's output changes: cached corpora are rebuilt
SWAP = 0.5  # share of a record's paragraphs replaced by paragraphs from anywhere in the corpus
DATE_JITTER_DAYS = 60


def size(text: str) -> int:
    """`10k`, `100k`, `1m` or a plain number."""
    if text.lower() in SIZES:
        return SIZES[text.lower()]
    try:
        value = int(text.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"size {text!r}: use 10k, 100k, 1m or a number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"size {text!r} must be above zero")
    return value


def frus_folder() -> Path:
    for candidate in (FRUS, Path("/work/shared/corpus/frus"), Path.cwd().parent / "shared" / "corpus" / "frus"):
        if sorted(candidate.glob("*.xml")):
            return candidate
    raise SystemExit(f"bench: no FRUS volumes found in {FRUS}; the corpus is built from ../shared/corpus/frus/*.xml")


def load_pool(folder: Path | None = None) -> list[dict[str, Any]]:
    """The real FRUS documents as Record JSON dicts, in a fixed order."""
    return _read_volumes(folder)[0]


def load_archive(folder: Path | None = None) -> list[dict[str, Any]]:
    """The volumes' collections and authority entries, as the dump lines fonds reads back
    (`{"collection": ...}`, `{"entity": ...}`): the corpus's records link to these persons."""
    return _read_volumes(folder)[1]


def _read_volumes(folder: Path | None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    from fonds.authority import Entity
    from fonds.importers import frus
    from fonds.collection import Collection
    from fonds.record import Record

    records: list[dict[str, Any]] = []
    archive: list[dict[str, Any]] = []
    for path in sorted((folder or frus_folder()).glob("*.xml")):
        with path.open("rb") as source:
            for item in frus.read(source, origin=path.name):
                if isinstance(item, Record):
                    records.append(item.to_dict())
                elif isinstance(item, Collection):
                    archive.append({"collection": item.to_dict()})
                elif isinstance(item, Entity):
                    archive.append({"entity": item.to_dict()})
    records.sort(key=lambda r: r["id"])
    if not records:
        raise SystemExit("bench: the FRUS volumes hold no documents")
    return records, archive


def _paragraphs(record: dict[str, Any]) -> list[str]:
    text = "\n\n".join(r.get("text") or "" for r in record.get("renditions") or [])
    return [p for p in text.split("\n\n") if p.strip()]


def _shift(date: dict[str, Any], days: int) -> dict[str, Any]:
    """A day-precise date moved by `days`; other dates (months, ranges, undated) as they are."""
    earliest, latest = date.get("earliest"), date.get("latest")
    if not earliest or earliest != latest:
        return date
    day = dt.date.fromisoformat(earliest) + dt.timedelta(days=days)
    iso = day.isoformat()
    return {"text": f"{day:%B} {day.day}, {day.year}", "earliest": iso, "latest": iso, "edtf": iso}


def generate(n: int, *, seed: int = SEED, pool: Sequence[dict[str, Any]] | None = None) -> Iterator[dict[str, Any]]:
    """N Record JSON dicts, the same for the same seed and pool."""
    pool = list(pool) if pool is not None else load_pool()
    rng = random.Random(seed)
    own = [_paragraphs(r) for r in pool]
    everywhere = [p for paragraphs in own for p in paragraphs]
    width = max(7, len(str(n)))
    for number in range(n):
        pick = rng.randrange(len(pool))
        base = pool[pick]
        paragraphs = [p if rng.random() >= SWAP else everywhere[rng.randrange(len(everywhere))] for p in own[pick]]
        date = _shift(base["date"], rng.randint(-DATE_JITTER_DAYS, DATE_JITTER_DAYS))
        rendition = dict((base.get("renditions") or [{"kind": "original", "language": "en"}])[0])
        rendition.update(text="\n\n".join(paragraphs), marks=[], notes=[], pages=[])
        record = dict(base)
        record.update(
            id=f"bench-{number:0{width}d}",
            date=date,
            renditions=[rendition],
            url=None,
            number=str(number),
            origin=f"bench:{base['id']}",
        )
        yield record


def corpus_dir(n: int, seed: int = SEED) -> Path:
    return OUT / f"corpus-{n}-s{seed}"


def write(n: int, *, seed: int = SEED, per_file: int = PER_FILE, folder: Path | None = None) -> list[Path]:
    """Write the corpus as JSON Lines files (reusing a complete earlier one). Returns the files in order."""
    folder = folder or corpus_dir(n, seed)
    marker = folder / "complete.json"
    stamp = {"version": VERSION, "n": n, "seed": seed, "per_file": per_file}
    if marker.is_file() and json.loads(marker.read_text()) == stamp:
        return sorted(folder.glob("part-*.jsonl"))
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("part-*.jsonl"):
        old.unlink()
    marker.unlink(missing_ok=True)
    files: list[Path] = []
    out = None
    try:
        for number, record in enumerate(generate(n, seed=seed)):
            if number % per_file == 0:
                if out is not None:
                    out.close()
                files.append(folder / f"part-{number // per_file:05d}.jsonl")
                out = files[-1].open("w", encoding="utf-8")
                if number == 0:  # the persons the records link to come first, as in a dump
                    for line in load_archive():
                        out.write(json.dumps(line, ensure_ascii=False) + "\n")
            assert out is not None
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    finally:
        if out is not None:
            out.close()
    marker.write_text(json.dumps(stamp))
    return files


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=size, default=SIZES["10k"], help="10k (default), 100k, 1m or a number")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    files = write(args.size, seed=args.seed)
    print(f"{args.size} records in {len(files)} files under {files[0].parent}", file=sys.stderr)


if __name__ == "__main__":
    main()
