"""fonds' own TEI back in: a single exported document, read from its TEI elements."""

from __future__ import annotations

import io
from pathlib import Path

from fonds.exports import tei as tei_export
from fonds.importers import detect, tei, text
from fonds.record import Record


def test_an_exported_document_reads_back_with_its_description(corpus: Path) -> None:
    with open(corpus / "wilson-center" / "110485.txt", "rb") as handle:
        (original,) = [r for r in text.read(handle, origin="110485.txt") if isinstance(r, Record)]
    exported = tei_export.write(original).encode("utf-8")
    assert detect(exported[:65536]) == "tei"
    (record,) = [r for r in tei.read(io.BytesIO(exported), origin="export.xml") if isinstance(r, Record)]
    assert (record.id, record.title, record.url) == (original.id, original.title, original.url)
    assert (record.date.earliest, record.date.text) == ("1962-08-14", "August 14, 1962")
    assert record.credits == original.credits
    assert record.collections == original.collections
    assert record.source.repository == original.source.repository
    assert record.summary == original.summary
    assert [r.kind for r in record.renditions] == [r.kind for r in original.renditions if r.text.strip()]
    assert "Kim Il Sung" in record.renditions[0].text or "Kim II Sung" in record.renditions[0].text


def test_a_tei_file_fonds_did_not_write_is_not_taken_for_ours() -> None:
    other = b'<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>x</title></titleStmt></fileDesc></teiHeader></TEI>'
    assert not tei.sniff(other)


def test_an_exported_document_ingests_and_its_persons_are_linked_again(tmp_path: Path, corpus: Path) -> None:
    from fonds.ingest import ingest
    from fonds.store.sqlite import SQLiteStore

    with open(corpus / "wilson-center" / "110485.txt", "rb") as handle:
        (original,) = [r for r in text.read(handle, origin="110485.txt") if isinstance(r, Record)]
    path = tmp_path / "export.xml"
    path.write_text(tei_export.write(original), encoding="utf-8")
    with SQLiteStore(tmp_path / "fonds.db") as store:
        report = ingest(store, [path])
        assert report.ok, report.rejected
        stored = store.get(original.id)
        assert stored.title == original.title
        assert any(p.name == "Kim Il Sung" for p in stored.persons)
