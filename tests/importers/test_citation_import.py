"""Citations of every shape: several URLs, no archive name, no archive URL, typos, published sources."""

from __future__ import annotations

import pytest

from fonds.importers.citation import document_url, parse_citation, strip_date

WCDA = "https://digitalarchive.wilsoncenter.org/document/116176"


def test_the_archive_url_gives_id_and_url_wherever_it_stands() -> None:
    library = "https://catalog.library.example.edu/record/99812"
    for text in (
        f'"Letter", May 2, 1960, Wilson Center Digital Archive, RGANI, fond 5. Source: {library} {WCDA}',
        f'"Letter", May 2, 1960, Wilson Center Digital Archive, RGANI, fond 5. {WCDA} (see also {library})',
    ):
        citation = parse_citation(text, origin="a.txt:7")
        assert (citation.record_id, citation.url, citation.number) == ("wcda-116176", WCDA, "116176")


def test_a_slug_in_the_archive_url_still_gives_the_number() -> None:
    url = "https://digitalarchive.wilsoncenter.org/document/telegram-moscow/209475"
    assert document_url([url]) == (url, "209475", "wcda-209475")


def test_another_site_has_its_own_namespace() -> None:
    citation = parse_citation('"Report", 1963, Some Archive. https://archive.example.org/document/500001', origin="a.txt:7")
    assert citation.record_id == "archive.example.org-500001"
    assert citation.url == "https://archive.example.org/document/500001" and citation.number is None
    assert document_url(["https://www.example.net/items/abc-42/"])[2] == "example.net-abc-42"
    assert document_url(["https://example.net/about"]) == ("https://example.net/about", None, None)


def test_without_the_archive_name_the_date_is_taken_off_first() -> None:
    citation = parse_citation(
        '"Note on Berlin", March 3, 1963, Russian State Archive of Contemporary History (RGANI), fond 5, opis 30, delo 1. '
        + WCDA,
        origin="a.txt:7",
    )
    assert citation.source.repository == "Russian State Archive of Contemporary History"
    assert citation.source.repository_code == "RGANI"
    assert dict(citation.source.reference) == {"fond": "5", "opis": "30", "delo": "1"}
    assert citation.warnings == ()


@pytest.mark.parametrize(
    ("printed", "rest"),
    [
        ("March 3, 1963, Archive X", "Archive X"),
        ("3 March 1963, Archive X", "Archive X"),
        ("1963, Archive X", "Archive X"),
        ("March 1963, Archive X", "Archive X"),
        ("n.d., Archive X", "Archive X"),
        ("Archive X, fond 5", "Archive X, fond 5"),
        ("Memorandum, March 3, 1963, Archive X", "Archive X"),
        ("National Archives, 1963", "National Archives, 1963"),
        ("Memorandum of Conversation, 1963, Archive X, fond 5", "Archive X, fond 5"),
    ],
)
def test_strip_date(printed: str, rest: str) -> None:
    assert strip_date(printed) == rest


def test_a_part_that_names_no_repository_is_kept_as_text_with_a_warning() -> None:
    citation = parse_citation('"Minutes", March 3, 1963, box 4, folder 12. ' + WCDA, origin="a.txt:7")
    assert citation.source.repository is None and citation.source.repository_code is None
    assert dict(citation.source.reference) == {"text": "box 4, folder 12"}
    (warning,) = citation.warnings
    assert "names no repository" in warning and "'box 4, folder 12'" in warning
    assert not warning.rstrip().endswith(":")


def test_a_published_source_is_not_a_repository() -> None:
    citation = parse_citation(
        '"Address", July 26, 1963, Public Papers of the Presidents of the United States: John F. Kennedy, 1963, pp. 601-606. '
        + WCDA,
        origin="a.txt:7",
    )
    assert citation.source.repository is None
    assert citation.source.publication and citation.source.publication.startswith("Public Papers of the Presidents")
    assert citation.warnings == ()


def test_the_shared_shape_is_unchanged() -> None:
    citation = parse_citation(
        '"Memo", August 14, 1962, Wilson Center Digital Archive, Archive of the Foreign Policy of the Russian '
        "Federation (AVPRF), fond 0102, opis 18, papka 93, delo 5, listy 3-9. Obtained and translated for NKIDP "
        f"by Sergey Radchenko {WCDA}",
        origin="a.txt:7",
    )
    assert citation.source.repository_code == "AVPRF" and citation.record_id == "wcda-116176"
    assert dict(citation.source.reference)["listy"] == "3-9" and citation.warnings == ()


# --- break-records: shapes a new archivist writes ------------------------------------------


@pytest.mark.parametrize(
    "url, record_id",
    [
        ("https://digitalarchive.wilsoncenter.org/documents/110485", "wcda-110485"),
        ("http://digitalarchive.wilsoncenter.org/document/110485.pdf", "wcda-110485"),
        ("https://digitalarchive.wilsoncenter.org/document/110485/", "wcda-110485"),
        # a slug without a number is still the archive's document, in the archive's namespace;
        # its digits are a date, never the document number
        ("https://digitalarchive.wilsoncenter.org/document/journal-of-ambassador-24-august-1957",
         "wcda-journal-of-ambassador-24-august-1957"),
        # hosts that only look like the archive's are other sites
        ("https://notdigitalarchive.wilsoncenter.org/document/7", "notdigitalarchive.wilsoncenter.org-7"),
        ("https://digitalarchive.wilsoncenter.org.example.com/document/7",
         "digitalarchive.wilsoncenter.org.example.com-7"),
    ],
)
def test_every_form_of_the_archive_url_gives_one_id(url: str, record_id: str) -> None:
    citation = parse_citation(f'"T", 1962, Wilson Center Digital Archive, RGANI, fond 5. {url}', origin="t:1")
    assert citation.record_id == record_id
    assert citation.url == url
    assert citation.number == (record_id.removeprefix("wcda-") if record_id == "wcda-110485" else None)


@pytest.mark.parametrize(
    "reference",
    [
        "fond 5, opis 30, delo 1, listy 2-3",
        "f. 5, op. 30, d. 1, ll. 2-3",
        "op. 30, f. 5, ll. 2-3, d. 1",  # any order
        "F. 5, Op. 30, D. 1, Ll. 2-3",
        "f.5 op.30 d.1 ll.2-3",  # spaces, no commas
        "ф. 5, оп. 30, д. 1, лл. 2-3",  # Cyrillic
    ],
)
def test_reference_parts_in_any_spelling_and_order(reference: str) -> None:
    citation = parse_citation(f'"T", 1962, Wilson Center Digital Archive, RGANI, {reference}.', origin="t:1")
    assert citation.source.reference == {"fond": "5", "opis": "30", "delo": "1", "listy": "2-3"}


def test_a_part_named_twice_keeps_the_reference_as_text() -> None:
    citation = parse_citation('"T", 1962, Wilson Center Digital Archive, RGANI, f. 5, fond 6', origin="t:1")
    assert citation.source.reference == {"text": "f. 5, fond 6"}


@pytest.mark.parametrize(
    "holding, repository, code",
    [
        ("Архив внешней политики Российской Федерации (АВП РФ), ф. 0102", "Архив внешней политики Российской Федерации", "АВП РФ"),
        ("中国外交部档案馆, 106-00581-01", "中国外交部档案馆", None),
        ("Archiwum Akt Nowych (AAN), KC PZPR", "Archiwum Akt Nowych", "AAN"),
        ("Archív Ministerstva zahraničných vecí, fond 5", "Archív Ministerstva zahraničných vecí", None),
        # a place in brackets is part of the name, not a code
        ("Foreign Ministry Archives (Romania), file 1", "Foreign Ministry Archives (Romania)", None),
    ],
)
def test_repositories_printed_in_other_languages_are_repositories(holding: str, repository: str, code: str | None) -> None:
    citation = parse_citation(f'"T", 1962, Wilson Center Digital Archive, {holding}', origin="t:1")
    assert (citation.source.repository, citation.source.repository_code) == (repository, code)
    assert citation.warnings == ()
