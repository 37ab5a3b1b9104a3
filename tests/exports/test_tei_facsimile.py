"""TEI of a record with a scan: <facsimile>/<surface> per page, <pb facs> into them, one <div> per
rendition with @xml:lang; valid against tei_all.rng."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from lxml import etree

from fonds.exports import tei
from fonds.store.sqlite import SQLiteStore

NS = {"tei": "http://www.tei-c.org/ns/1.0"}
XML = "{http://www.w3.org/XML/1998/namespace}"


def test_scan_pages_become_surfaces_and_renditions_divs(
    belovezha_archive: Path, tmp_path: Path, jing: Callable[[list[Path]], list[str]]
) -> None:
    store = SQLiteStore(belovezha_archive / "fonds.db")
    try:
        belovezha = store.get("sample-belovezha-1991")
        paged = store.get("wcda-900002")
    finally:
        store.close()
    paths = []
    for record in (belovezha, paged):
        path = tmp_path / f"{record.id}.xml"
        path.write_text(tei.write(record), encoding="utf-8")
        paths.append(path)
    assert jing(paths) == []

    root = etree.fromstring(tei.write(paged).encode())
    surfaces = root.findall("tei:facsimile/tei:surface", NS)
    scan = next(r for r in paged.renditions if r.kind == "scan")
    assert [s.get("n") for s in surfaces] == ["1", "2"]
    assert surfaces[0].find("tei:graphic", NS).get("url") == f"/files/{scan.images[0].sha256}"
    assert surfaces[1].get("lrx") == str(scan.images[1].width)
    transcript = root.find("tei:text/tei:body/tei:div[@type='transcript']", NS)
    assert transcript.get("subtype") == "machine-made" and transcript.get(f"{XML}lang") == "en"
    assert [pb.get("facs") for pb in transcript.iter("{http://www.tei-c.org/ns/1.0}pb")] == [
        f"#{s.get(XML + 'id')}" for s in surfaces
    ]

    root = etree.fromstring(tei.write(belovezha).encode())
    languages = {d.get("type"): d.get(f"{XML}lang") for d in root.findall("tei:text/tei:body/tei:div", NS)}
    assert languages == {"transcript": "ru", "translation": "en"}
    assert "Беларусь" in "".join(root.find("tei:text/tei:body/tei:div[@type='transcript']", NS).itertext())
