"""The CSV templates of AtoM, ArchivesSpace, Omeka S and a pandas export, as the shared corpus has them."""

from __future__ import annotations

from pathlib import Path

from fonds.ingest import ingest
from fonds.store.sqlite import SQLiteStore


def test_atom_isad_builds_the_fonds_and_its_item(empty_store: SQLiteStore, corpus: Path) -> None:
    report = ingest(empty_store, [corpus / "csv" / "atom_example_information_objects_isad.csv"], link_names=False)
    assert report.ok, report.rejected
    (fonds,) = empty_store.collections()
    assert (fonds.id, fonds.title, fonds.kind, fonds.repository) == ("F1", "Example fonds", "fonds", "Example Repository")
    assert fonds.date is not None and (fonds.date.earliest, fonds.date.latest) == ("2015-01-01", "2016-12-31")
    assert fonds.languages == ("en", "fr")
    item = empty_store.get("IT-1")
    assert (item.title, item.collections, item.original_languages) == ("Example Item", ("F1",), ("en", "es"))
    assert item.subjects == ("Subject access point 3", "Subject access point 4")


def test_archivesspace_bulk_import_builds_the_series_hierarchy(empty_store: SQLiteStore, corpus: Path) -> None:
    report = ingest(empty_store, [corpus / "csv" / "aspace_bulk_import_VFIRST01_test01.csv"], link_names=False)
    assert report.ok, report.rejected
    tree = {c.id: c for c in empty_store.collections()}
    series = next(c for c in tree.values() if c.title == "The first series")
    subseries = next(c for c in tree.values() if c.title == "A subseries")
    assert (series.parent, series.kind, subseries.parent, subseries.kind) == ("VFIRST01", "series", series.id, "subseries")
    assert series.summary == "Reels of audio discussions, and transcripts of same"
    assert series.extent == "2 Linear Feet; 2 Reels"
    assert series.date is not None and series.date.edtf == "2010/2020"


def test_archivesspace_accession_is_one_record(empty_store: SQLiteStore, corpus: Path) -> None:
    report = ingest(empty_store, [corpus / "csv" / "aspace_accession_import_template.csv"], link_names=False)
    assert report.ok, report.rejected
    record = empty_store.get("2021-1-a")
    assert record.title == "Office of Student Affairs records"
    assert (record.date.earliest, record.date.latest) == ("1960-01-01", "1991-12-31")
    assert record.extent == "5 cubic feet; 25 boxes and 1 oversize folder"
    assert [c.name for c in record.credits] == ["Black, Alison"]


def test_the_cia_export_with_an_index_column_keeps_its_ids(empty_store: SQLiteStore, corpus: Path) -> None:
    report = ingest(empty_store, [corpus / "csv" / "cia_readingroom_nis.csv"], link_names=False)
    assert report.ok, report.rejected
    assert report.result.added == 380
    record = empty_store.get("CIA-RDP01-00707R000200090016-9")
    assert record.title == "NATIONAL INTELLIGENCE SURVEY 11; SWEDEN; ARMED FORCES"
    assert (record.source.classification, record.extent, record.type) == ("U", "33 pages", "Reports")
    assert record.source.repository == "Central Intelligence Agency"
    assert not record.date.is_dated


def test_omeka_s_dublin_core_columns(empty_store: SQLiteStore, tmp_path: Path) -> None:
    table = tmp_path / "omeka.csv"
    table.write_text(
        "Dublin Core:Identifier,Dublin Core:Title,Dublin Core:Date,Dublin Core:Subject,Dublin Core:Language,media\n"
        "om-7,Letter from Warsaw,1956-10-21,Poland|Gomułka,pl,https://example.org/om-7.jpg\n",
        encoding="utf-8",
    )
    report = ingest(empty_store, [table], link_names=False)
    assert report.ok, report.rejected
    record = empty_store.get("om-7")
    assert (record.title, record.date.earliest, record.subjects) == ("Letter from Warsaw", "1956-10-21", ("Poland", "Gomułka"))
    assert record.url == "https://example.org/om-7.jpg"


def test_the_cli_says_what_a_file_of_collections_only_stored(tmp_path: Path, corpus: Path) -> None:
    from click.testing import CliRunner

    from fonds.cli import main

    result = CliRunner().invoke(main, ["--db", str(tmp_path / "a.db"), "ingest", str(corpus / "csv" / "aspace_bulk_import_VFIRST01_test01.csv")])
    assert result.exit_code == 0, result.output
    assert "collections: 3 stored with their hierarchy (the files hold no records)" in result.output
    assert "no unit_id or ref_id; the unit gets the id VFIRST01-row3" in result.output
