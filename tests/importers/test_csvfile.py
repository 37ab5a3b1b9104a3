"""CSV/TSV import: fonds' columns, encodings, row-level reports, bad rows, mappings."""

from __future__ import annotations

from pathlib import Path

from fonds.importers.options import ImportOptions, load_mapping
from fonds.ingest import ingest
from fonds.store.sqlite import SQLiteStore

HEADER = "identifier,title,date,type,repository,reference,creator,translator,language of original,summary,subjects,persons,collection,text\n"


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_a_row_becomes_a_record_with_the_archives_own_identifier(empty_store: SQLiteStore, tmp_path: Path) -> None:
    table = write(
        tmp_path / "holdings.csv",
        HEADER + 'MfS-123,Report on the visit,"August 14, 1962",Report,BStU,MfS HA II 123,'
        '"Kennan, George F.",Anna Smith,ru,A short report.,Diplomacy|Berlin,Walter Ulbricht|Erich Honecker,'
        'BStU > Main Department II,The text of the report.\n',
    )
    report = ingest(empty_store, [table], link_names=False)
    assert report.ok, report.rejected
    record = empty_store.get("MfS-123")
    assert record.title == "Report on the visit"
    assert (record.date.earliest, record.date.text) == ("1962-08-14", "August 14, 1962")
    assert record.original_languages == ("ru",)
    assert record.source.repository == "BStU" and record.source.reference == {"text": "MfS HA II 123"}
    assert [(c.role, c.name) for c in record.credits] == [("author", "Kennan, George F."), ("translator", "Anna Smith")]
    assert record.subjects == ("Diplomacy", "Berlin")
    assert [p.name for p in record.persons] == ["Kennan, George F.", "Walter Ulbricht", "Erich Honecker"]
    assert record.renditions[0].text == "The text of the report." and record.renditions[0].language == "en"
    collections = {c.id: c for c in empty_store.collections()}
    assert collections["bstu-main-department-ii"].parent == "bstu"
    assert record.collections == ("bstu", "bstu-main-department-ii")
    persons = {e.preferred for e in empty_store.iter_entities("person")}
    assert {"Kennan, George F.", "Walter Ulbricht"} <= persons


def test_utf8_with_a_bom_and_tsv_are_read(empty_store: SQLiteStore, tmp_path: Path) -> None:
    table = write(tmp_path / "a.tsv", "\ufeffidentifier\ttitle\tdate\nx-1\tЗаписка беседы\t1962\n")
    report = ingest(empty_store, [table], link_names=False)
    assert report.ok, report.rejected
    assert empty_store.get("x-1").title == "Записка беседы"


def test_windows_1252_is_detected_and_reported_never_garbled(empty_store: SQLiteStore, tmp_path: Path) -> None:
    rows = "".join(f"d-{n},Mémoire sur la réunion à Genève n° {n} – été,1962\n" for n in range(30))
    table = write(tmp_path / "fr.csv", "identifier,title,date\n" + rows, "cp1252")
    report = ingest(empty_store, [table], link_names=False)
    assert report.ok, report.rejected
    assert empty_store.get("d-3").title == "Mémoire sur la réunion à Genève n° 3 – été"


def test_the_encoding_given_is_used_and_a_wrong_one_is_refused(empty_store: SQLiteStore, tmp_path: Path) -> None:
    latin = write(tmp_path / "de.csv", "identifier,title\nb-1,Gespräch über Ö\n", "cp1252")
    report = ingest(empty_store, [latin], link_names=False, options=ImportOptions(encoding="windows-1252"))
    assert report.ok and empty_store.get("b-1").title == "Gespräch über Ö"
    utf8 = write(tmp_path / "utf8.csv", "identifier,title\nb-2,Gespräch\n")
    report = ingest(empty_store, [utf8], link_names=False, options=ImportOptions(encoding="windows-1252"))
    assert "is valid UTF-8, but --encoding says windows-1252" in str(report.rejected[0])
    assert "mojibake" in str(report.rejected[0])


def test_mojibake_in_the_file_is_refused(empty_store: SQLiteStore, tmp_path: Path) -> None:
    table = write(tmp_path / "m.csv", "identifier,title\nm-1,ok\nm-2,MÃ©moire\n")
    report = ingest(empty_store, [table], link_names=False)
    assert str(report.rejected[0]).startswith(f"{table}:row 3: the text holds 'Ã©'")
    assert empty_store.stats().records == 0


def test_an_unsure_encoding_is_an_error_naming_the_likely_one(empty_store: SQLiteStore, tmp_path: Path) -> None:
    table = write(tmp_path / "ru.csv", "identifier,title\nk-1,\"Привет мир, как дела у вас сегодня\"\n", "cp1251")
    report = ingest(empty_store, [table], link_names=False)
    assert str(report.rejected[0]) == (
        f"{table}:row 2: the file is not UTF-8 (byte 0xcf); it is probably windows-1251, but fonds is not "
        "sure: give --encoding windows-1251 if that is right, or save the file as UTF-8"
    )
    assert empty_store.stats().records == 0
    report = ingest(empty_store, [table], link_names=False, options=ImportOptions(encoding="windows-1251"))
    assert report.ok and empty_store.get("k-1").title.startswith("Привет мир")


def test_a_bad_row_is_reported_by_row_and_column_and_stores_nothing(empty_store: SQLiteStore, tmp_path: Path) -> None:
    table = write(tmp_path / "bad.csv", "identifier,title,date\nok-1,Fine,1962\nbad id,Broken,1963\n,No id,1964\n")
    report = ingest(empty_store, [table], link_names=False)
    message = str(report.rejected[0])
    assert f'{table}:row 3, column "identifier": \'bad id\' cannot be a record identifier: the identifier holds a space' in message
    assert f'{table}:row 4, column "identifier": the record has no identifier' in message
    assert "nothing stored" in message and "--skip-bad-rows" in message
    assert empty_store.stats().records == 0


def test_skip_bad_rows_stores_the_good_ones_and_reports_each_skipped(empty_store: SQLiteStore, tmp_path: Path) -> None:
    table = write(tmp_path / "bad.csv", "identifier,title,date\nok-1,Fine,1962\nbad id,Broken,1963\nok-2,Also fine,1964\n")
    items = []
    from fonds.importers import csvfile

    with table.open("rb") as source:
        items = list(csvfile.read(source, origin=str(table), options=ImportOptions(skip_bad_rows=True)))
    skipped = [str(i) for i in items if type(i).__name__ == "Problem"]
    assert skipped == [
        f"{table}:row 3, column \"identifier\": row skipped: 'bad id' cannot be a record identifier: the identifier "
        "holds a space (U+0020) at character 4; use letters, digits and punctuation only; correct it or map another "
        "column to identifier"
    ]
    report = ingest(empty_store, [table], link_names=False, options=ImportOptions(skip_bad_rows=True))
    assert report.ok and report.result.added == 2


def test_missing_title_gets_a_devised_title_and_a_bad_date_is_kept_as_printed(empty_store: SQLiteStore, tmp_path: Path) -> None:
    table = write(tmp_path / "t.csv", "identifier,title,date\nn-1,,sometime in the sixties\n")
    report = ingest(empty_store, [table], link_names=False)
    assert report.ok
    record = empty_store.get("n-1")
    assert record.title == "[Untitled record n-1]"
    assert record.date.text == "sometime in the sixties" and record.date.earliest is None


def test_a_table_without_an_identifier_column_is_refused(empty_store: SQLiteStore, tmp_path: Path) -> None:
    table = write(tmp_path / "noid.csv", "title,date\nA memo,1962\n")
    report = ingest(empty_store, [table], link_names=False)
    assert str(report.rejected[0]) == (
        f"{table}:row 1: the table has no identifier column; every record needs the archive's own "
        "identifier: add a column named identifier, or map one with --map"
    )


def test_a_script_in_a_title_is_stored_as_text(empty_store: SQLiteStore, tmp_path: Path) -> None:
    table = write(tmp_path / "x.csv", 'identifier,title\nx-1,"<script>alert(1)</script> Memo"\n')
    assert ingest(empty_store, [table], link_names=False).ok
    assert empty_store.get("x-1").title == "<script>alert(1)</script> Memo"


def test_a_mapping_names_other_columns(empty_store: SQLiteStore, tmp_path: Path) -> None:
    mapping = write(tmp_path / "map.toml", '[columns]\n"Signatur" = "identifier"\n"Titel" = "title"\n"Datum" = "date"\n')
    table = write(tmp_path / "de.csv", "Signatur,Titel,Datum\nBArch-1,Vermerk,1962-08-14\n")
    report = ingest(empty_store, [table], link_names=False, options=ImportOptions(mapping=load_mapping(mapping)))
    assert report.ok, report.rejected
    assert empty_store.get("BArch-1").date.earliest == "1962-08-14"


def test_a_mapping_to_an_unknown_column_is_refused(tmp_path: Path) -> None:
    mapping = write(tmp_path / "map.toml", '[columns]\n"Titel" = "headline"\n')
    try:
        load_mapping(mapping)
    except Exception as error:  # noqa: BLE001 - the message is what the user sees
        assert str(error).startswith(f"{mapping}: column 'Titel' maps to 'headline', which is not a fonds column")
    else:
        raise AssertionError("an unknown column was accepted")


def test_a_row_with_too_many_cells_is_named(empty_store: SQLiteStore, tmp_path: Path) -> None:
    table = write(tmp_path / "c.csv", "identifier,title\na-1,Memo, with a comma\n")
    report = ingest(empty_store, [table], link_names=False)
    assert f"{table}:row 2: the row has 3 cells but the header names 2 columns" in str(report.rejected[0])


def test_a_collection_named_by_its_id_is_referred_to_never_overwritten(empty_store: SQLiteStore, tmp_path: Path) -> None:
    from fonds.collection import Collection

    empty_store.add([], collections=[Collection("frus1961-63v05", "Foreign Relations, 1961-1963, Volume V", kind="volume")])
    table = write(tmp_path / "refs.csv", "identifier,title,collection\nr-1,Memo,frus1961-63v05\nr-2,Note,Letters > 1962\n")
    assert ingest(empty_store, [table], link_names=False).ok
    collections = {c.id: c for c in empty_store.collections()}
    assert collections["frus1961-63v05"].title == "Foreign Relations, 1961-1963, Volume V"
    assert (collections["letters"].title, collections["letters-1962"].parent) == ("Letters", "letters")
    assert empty_store.get("r-1").collections == ("frus1961-63v05",)


def test_text_files_beside_the_csv_are_read_and_a_missing_one_named(empty_store: SQLiteStore, tmp_path: Path) -> None:
    (tmp_path / "t1.txt").write_text("Записка беседы с послом.\n", encoding="utf-8")
    table = write(tmp_path / "texts.csv", "identifier,title,text_file,language\ntx-1,Memo,t1.txt,ru\ntx-2,Other,t2.txt,ru\n")
    report = ingest(empty_store, [table], link_names=False)
    assert f'{table}:row 3, column "text_file": no file t2.txt (looked in {tmp_path})' in str(report.rejected[0])
    table.write_text("identifier,title,text_file,language\ntx-1,Memo,t1.txt,ru\n", encoding="utf-8")
    assert ingest(empty_store, [table], link_names=False).ok
    (rendition,) = empty_store.get("tx-1").renditions
    assert (rendition.kind, rendition.language, rendition.text) == ("transcript", "ru", "Записка беседы с послом.")


def test_a_dry_run_checks_every_row_and_stores_nothing(empty_store: SQLiteStore, tmp_path: Path) -> None:
    table = write(tmp_path / "d.csv", "identifier,title,date\nd-1,Fine,1962\nd-2,,1963\n")
    report = ingest(empty_store, [table], link_names=False, dry_run=True)
    assert report.ok and report.result.added == 2
    assert [w.message for w in report.warnings] == ["no title; stored with the devised title [Untitled record d-2]"]
    assert empty_store.stats().records == 0 and empty_store.collections() == []


def test_a_quote_never_closed_is_refused_at_its_row_not_the_rest_of_the_file_read_as_one_cell(
    empty_store: SQLiteStore, tmp_path: Path
) -> None:
    """A file cut short inside a quoted cell (or a stray quote) was read as one record whose title
    held every row after it: those rows were lost without a word."""
    table = write(tmp_path / "cut.csv", 'identifier,title\nn0,fine\nn1,"a title cut short\nn2,lost\nn3,lost too\n')
    report = ingest(empty_store, [table], link_names=False)
    assert not report.ok and empty_store.stats().records == 0
    assert "cut.csv:row 3: a quoted cell that starts in this row is never closed" in str(report.rejected[0])
    junk = write(tmp_path / "junk.csv", 'identifier,title\nn0,"Memo"randum\n')
    report = ingest(empty_store, [junk], link_names=False)
    assert not report.ok and "junk.csv:row 2: not valid CSV" in str(report.rejected[0])
    quoted = write(tmp_path / "quoted.csv", 'identifier,title\nq1,"a ""quoted"" word, and a comma"\n')
    assert ingest(empty_store, [quoted], link_names=False).ok
    assert empty_store.get("q1").title == 'a "quoted" word, and a comma'


def test_a_column_named_twice_keeps_the_value_given_and_refuses_two_different_ones(
    empty_store: SQLiteStore, tmp_path: Path
) -> None:
    """The second `title` column silently replaced the first: `First` was lost without a word."""
    table = write(tmp_path / "twice.csv", "identifier,title,title\nd1,First,Second\nd2,Same,Same\nd3,Only,\nd4,,Last\n")
    report = ingest(empty_store, [table], link_names=False)
    assert not report.ok and empty_store.stats().records == 0
    assert ("twice.csv:row 2: the header names column 'title' twice (columns 2 and 3) and this row gives them "
            "different values") in str(report.rejected[0])
    skipped = ingest(empty_store, [table], link_names=False, options=ImportOptions(skip_bad_rows=True))
    assert skipped.ok
    assert [(r.id, r.title) for r in empty_store.iter_records()] == [("d2", "Same"), ("d3", "Only"), ("d4", "Last")]


def test_a_table_with_the_lone_cr_line_breaks_of_an_old_spreadsheet_is_read_row_by_row(
    empty_store: SQLiteStore, tmp_path: Path
) -> None:
    """Saved as "CSV (Macintosh)": it was rejected as "not a format fonds reads" (AtoM users saw the
    same file become blank descriptions)."""
    table = write(tmp_path / "mac.csv", "identifier,title,date\rcr1,Mac one,1962\rcr2,\"Mac\rtwo\",1963\r")
    report = ingest(empty_store, [table], link_names=False)
    assert report.ok, report.rejected
    assert [(r.id, r.title, r.date.earliest) for r in empty_store.iter_records()] == [
        ("cr1", "Mac one", "1962-01-01"), ("cr2", "Mac two", "1963-01-01")]
