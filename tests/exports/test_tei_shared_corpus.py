"""Every record of the shared corpus exports to TEI that jing validates against tei_all.rng."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from fonds.exports import tei
from fonds.ingest import read_file


def test_every_shared_record_validates(corpus: Path, tmp_path: Path, jing: Callable[[list[Path]], list[str]]) -> None:
    paths = [corpus / "wilson-center" / "110485.txt", *sorted((corpus / "frus").glob("*.xml"))]
    written: list[Path] = []
    for path in paths:
        records, _, _ = read_file(path)
        for record in records:
            target = tmp_path / f"{record.id}.xml"
            target.write_text(tei.write(record), encoding="utf-8")
            written.append(target)
    assert len(written) == 1216
    assert jing(written) == []
