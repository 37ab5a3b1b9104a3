"""The repository authority: one repository however it is printed; typos proposed, then confirmed."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from fonds.cli import main
from fonds.index import Index
from fonds.ingest import ingest
from fonds.query import parse
from fonds.record import Record, Source
from fonds.repositories import Repositories, confirm_variant, is_repository_name, publication_of
from fonds.store.sqlite import SQLiteStore


def held(record_id: str, printed: str) -> Record:
    return Record(id=record_id, title=f"Telegram {record_id}", source=Source(citation="c", repository=printed))


def test_case_and_punctuation_are_the_same_repository_the_printed_form_kept() -> None:
    authority = Repositories.of(SQLiteStoreless())
    for printed in ("Department of state", "DEPARTMENT OF STATE", "the Department of State.", "DOS"):
        record = authority.apply(held("a", printed))
        assert record.source.repository == "Department of State", printed
        assert record.source.repository_printed == printed
    same = authority.apply(held("b", "Department of State"))
    assert same.source.repository_printed is None


def test_a_typo_is_proposed_never_merged_silently() -> None:
    authority = Repositories.of(SQLiteStoreless())
    records = [held("a", "Department of Sate"), held("b", "Central Intellience Agency"), held("c", "Central Intellience Agency"),
               held("d", "Hoover Institution Archives")]
    assert [authority.apply(r) for r in records] == records  # nothing merged
    found = authority.candidates(records)
    assert [(c.printed, c.entity.id, c.records) for c in found] == [
        ("Central Intellience Agency", "repo:CIA", ("b", "c")),
        ("Department of Sate", "repo:DOS", ("a",)),
    ]


def test_what_is_a_repository_and_what_is_a_publication() -> None:
    assert is_repository_name("Kennedy Library") and is_repository_name("AVPRF")
    assert is_repository_name("Hoover Institution Archives")
    assert not is_repository_name("March 3, 1963") and not is_repository_name("box 4")
    assert is_repository_name("Central Committee Archive No. 2") and not is_repository_name("Record Group 59")
    assert not is_repository_name("Public Papers of the Presidents of the United States")
    assert publication_of("Public Papers of the Presidents: Kennedy, 1961") == "Public Papers of the Presidents"
    assert publication_of("Department of State, Central Files") is None


def test_confirmed_typos_count_as_one_repository_in_facets(empty_store: SQLiteStore, tmp_path: Path) -> None:
    records = [held("a", "Department of State"), held("b", "Department of state"), held("c", "Department of Sate")]
    folder = tmp_path / "in"
    folder.mkdir()
    import json

    (folder / "r.jsonl").write_text("\n".join(json.dumps(r.to_dict()) for r in records) + "\n", encoding="utf-8")
    report = ingest(empty_store, [folder], link_names=False)
    assert report.ok
    index = Index(tmp_path / "index")
    index.update(empty_store)
    facets = dict(index.search(parse("telegram"), limit=10).facets["repository"])
    assert facets == {"Department of State": 2, "Department of Sate": 1}

    runner = CliRunner()
    db = ["--db", str(tmp_path / "fonds.db"), "--index", str(tmp_path / "index")]
    shown = runner.invoke(main, [*db, "authority", "candidates", "--repositories"])
    assert "'Department of Sate' looks like 'Department of State' [repo:DOS]" in shown.output
    assert "fonds authority confirm-repository 'Department of Sate' repo:DOS" in shown.output

    assert confirm_variant(empty_store, "Department of Sate", "repo:DOS") == 1
    index.update(empty_store)
    facets = dict(index.search(parse("telegram"), limit=10).facets["repository"])
    assert facets == {"Department of State": 3}
    stored = empty_store.get("c")
    assert (stored.source.repository, stored.source.repository_printed) == ("Department of State", "Department of Sate")
    # A later ingest of another record printing the typo lands under the repository at once.
    (folder / "s.jsonl").write_text(json.dumps(held("d", "Department of Sate").to_dict()) + "\n", encoding="utf-8")
    ingest(empty_store, [folder / "s.jsonl"], link_names=False)
    assert empty_store.get("d").source.repository == "Department of State"
    # The entry is not a person: the name linker never sees it.
    from fonds.naming import Names

    assert all(e.kind != "repository" for e in Names.of(empty_store).entities)


class SQLiteStoreless:
    """An archive with no repository entries of its own: the shipped ones only."""

    def iter_entities(self, kind: str | None = None):  # type: ignore[no-untyped-def]
        return iter(())


def test_diacritics_never_make_a_second_repository() -> None:
    from fonds.authority import Entity

    archive = Entity(id="repo:PAAA", preferred="Politisches Archiv des Auswärtigen Amts", kind="repository")
    authority = Repositories([archive])
    for printed in ("Politisches Archiv des Auswartigen Amts", "POLITISCHES ARCHIV DES AUSWÄRTIGEN AMTS"):
        moved = authority.apply(held("a", printed))
        assert moved.source.repository == "Politisches Archiv des Auswärtigen Amts"
        assert moved.source.repository_printed == printed
    # a different name is still a different repository (and no typo merge without staff)
    assert authority.resolve("Politisches Archiv des Auswartigen Amtes") is None


def test_cyrillic_abbreviations_and_names_are_the_repositories_they_abbreviate() -> None:
    from fonds.importers.citation import parse_citation

    authority = Repositories.of(SQLiteStoreless())
    for printed, entry in (("РГАНИ", "repo:RGANI"), ("ГАРФ", "repo:GARF"), ("АВП РФ", "repo:AVPRF"), ("авп рф", "repo:AVPRF"),
                           ("АП РФ", "repo:APRF"), ("ЦАМО РФ", "repo:TsAMO"), ("РГАСПИ", "repo:RGASPI"),
                           ("Государственный архив Российской Федерации", "repo:GARF")):
        found = authority.resolve(printed)
        assert found is not None and found.id == entry, printed
        assert is_repository_name(printed), printed
        moved = authority.apply(held("a", printed))
        assert moved.source.repository == found.preferred and moved.source.repository_printed == printed
    assert authority.resolve("РГАЭА") is None  # a form fonds does not know stays unknown
    citation = parse_citation("Memorandum, March 3, 1963, РГАНИ, ф. 5, оп. 30, д. 1, лл. 3-5.", origin="t")
    source = citation.source
    assert (source.repository, source.repository_code, source.repository_printed) == (
        "Russian State Archive of Contemporary History", "РГАНИ", "РГАНИ")  # the code as printed
    assert source.reference == {"fond": "5", "opis": "30", "delo": "1", "listy": "3-5"} and citation.warnings == ()
    apart = parse_citation("Letter, 1962, АВП РФ, ф. 0102, оп. 18, п. 93, д. 5", origin="t").source
    assert (apart.repository, apart.repository_printed, apart.reference["papka"]) == (
        "Archive of the Foreign Policy of the Russian Federation", "АВП РФ", "93")
    ap = parse_citation("Note, 1960, АП РФ, ф. 3, оп. 65, д. 1", origin="t").source  # not АВП РФ: a prefix of neither
    assert ap.repository == "Archive of the President of the Russian Federation"
    named = parse_citation("Note, 1960, Архив внешней политики РФ (АВП РФ), ф. 0102, оп. 16", origin="t").source
    assert Repositories.of(SQLiteStoreless()).apply(Record(id="n", title="t", source=named)).source.repository == (
        "Archive of the Foreign Policy of the Russian Federation")  # at ingest: under the registry's name
    assert named.reference == {"fond": "0102", "opis": "16"}


def test_a_cyrillic_code_gives_the_archive_its_place_in_citations() -> None:
    from fonds.exports.citation import archive_place

    assert archive_place(Source(repository="Russian State Archive of Contemporary History", repository_code="РГАНИ")) == "Moscow"
    assert archive_place(Source(repository="x", repository_code="ЦАМО РФ")) == "Podolsk"
    assert archive_place(Source(repository="x", repository_code="НЕТ")) is None
