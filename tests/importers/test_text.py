"""The Wilson Center text-record importer, on the shared record and on trouble we wrote ourselves."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from fonds.errors import RecordError
from fonds.importers import text
from fonds.collection import Collection
from fonds.record import Record

ROOT = Path(__file__).resolve().parents[2]


def read_record(path: Path) -> Record:
    with path.open("rb") as source:
        items = list(text.read(source, origin=str(path)))
    return next(item for item in items if isinstance(item, Record))


def read_bytes(raw: bytes, origin: str = "test.txt") -> list[object]:
    return list(text.read(io.BytesIO(raw), origin=origin))


@pytest.fixture(scope="module")
def shared_record(corpus: Path) -> Record:
    return read_record(corpus / "wilson-center" / "110485.txt")


def test_shared_record_has_every_value_design_shows(shared_record: Record) -> None:
    data = shared_record.to_dict()
    assert data["id"] == "wcda-110485"
    assert data["title"] == (
        "Memorandum of Conversation between Soviet Ambassador to North Korea Vasily Moskovsky and Kim II Sung"
    )
    assert data["type"] == "Memorandum of Conversation"
    assert data["date"]["text"] == "August 14, 1962"
    assert (data["date"]["earliest"], data["date"]["latest"]) == ("1962-08-14", "1962-08-14")
    assert data["summary"].startswith("The Soviet Ambassador to Pyongyang reports on his recent meeting")
    assert data["original_languages"] == ["ru"]
    assert data["source"]["repository"] == "Archive of the Foreign Policy of the Russian Federation"
    assert data["source"]["repository_code"] == "AVPRF"
    assert data["source"]["reference"] == {"fond": "0102", "opis": "18", "papka": "93", "delo": "5", "listy": "3-9"}
    assert data["source"]["citation"].startswith('"Memorandum of Conversation between Soviet Ambassador')
    assert data["source"]["citation"].endswith("https://digitalarchive.wilsoncenter.org/document/110485")
    assert data["credits"] == [{"role": "translator", "name": "Sergey Radchenko"}]
    assert data["collections"] == ["NKIDP"]
    assert data["url"] == "https://digitalarchive.wilsoncenter.org/document/110485"


def test_body_text_is_kept_exactly(shared_record: Record, corpus: Path) -> None:
    raw = (corpus / "wilson-center" / "110485.txt").read_text(encoding="utf-8")
    (rendition,) = shared_record.renditions
    assert (rendition.kind, rendition.language) == ("translation", "en")
    assert rendition.text.startswith("14 August 1962\n\n[I] paid a visit to comrade Kim II Sung")
    assert rendition.text in raw
    assert rendition.text.endswith("talk about military matters. [...]")


def test_editorial_marks_are_spans_over_the_unchanged_text(shared_record: Record) -> None:
    (rendition,) = shared_record.renditions
    spans = [(m.kind, rendition.text[m.start:m.end]) for m in rendition.marks]
    assert ("supplied", "[I]") in spans
    assert ("supplied", "[and]") in spans
    assert ("supplied", "[medical]") in spans
    assert ("alternate", "Pak Seong-cheol [Pak Song Chol]") in spans
    assert [kind for kind, _ in spans].count("gap") == 3
    alternate = next(m for m in rendition.marks if m.kind == "alternate")
    assert (alternate.text, alternate.alternate) == ("Pak Seong-cheol", "Pak Song Chol")


def test_project_becomes_a_titled_collection(corpus: Path) -> None:
    with (corpus / "wilson-center" / "110485.txt").open("rb") as source:
        items = list(text.read(source, origin="110485.txt"))
    assert Collection("NKIDP", "North Korea International Documentation Project", kind="project") in items


def test_approximate_date_other_archive_and_two_credits() -> None:
    record = read_record(ROOT / "examples" / "sample-letter.txt")
    assert record.date.text == "c. 1962"
    assert (record.date.earliest, record.date.latest) == ("1961-01-01", "1963-12-31")
    assert record.source.repository_code == "PRC FMA"
    assert dict(record.source.reference) == {"text": "106-00581-01"}
    assert [(c.role, c.name) for c in record.credits] == [("contributor", "Jane Example"), ("translator", "John Sample")]
    assert [(r.kind, r.language) for r in record.renditions] == [("transcript", "zh"), ("translation", "en")]
    assert record.renditions[1].text.startswith("The Ministry asks")
    assert record.type == "Letter"


def test_undated_record_has_no_bounds_and_abbreviated_reference() -> None:
    record = read_record(ROOT / "examples" / "sample-telegram.txt")
    assert record.date.text == "n.d." and record.date.earliest is None and record.date.latest is None
    assert dict(record.source.reference) == {"fond": "5", "opis": "49", "delo": "131", "listy": "193-194"}
    assert record.source.repository == "Russian State Archive of Contemporary History"
    assert [r.kind for r in record.renditions] == ["translation", "scan"]
    assert record.type == "Telegram"


def test_reference_of_another_shape_is_kept_as_text() -> None:
    record = read_record(ROOT / "examples" / "sample-report.txt")
    assert record.source.repository == "Bundesarchiv"
    assert dict(record.source.reference) == {"text": "B 136/59748, 403-410"}
    assert record.collections == ("CWIHP",)
    assert record.original_languages == ("de",)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("text_empty.txt", "text_empty.txt:1: the file is empty; a text record starts with a date line"),
        ("text_binary.bin", "text_binary.bin:1: this is a binary file, not a text record"),
        ("text_not_utf8.txt", "text_not_utf8.txt:7: the file is not UTF-8 (byte 0xff at offset 125); save it as UTF-8 and ingest it again"),
        ("text_cut_off.txt", "text_cut_off.txt:3: the record ends before its 'Citation', 'Original Language' and 'Contents' blocks; the file may be cut off: export it again"),
        ("text_no_title.txt", "text_no_title.txt:3: the record has no title line after its date"),
    ],
)
def test_bad_input_gets_one_clear_line(data: Path, name: str, message: str) -> None:
    with pytest.raises(RecordError) as error:
        with (data / name).open("rb") as source:
            list(text.read(source, origin=name))
    assert str(error.value) == message


def test_unreadable_date_names_the_line(data: Path) -> None:
    with pytest.raises(RecordError, match=r"^text_bad_date.txt:1: date 'Someday in the summer' is not one we understand"):
        with (data / "text_bad_date.txt").open("rb") as source:
            list(text.read(source, origin="text_bad_date.txt"))


def test_huge_file_is_refused_without_parsing() -> None:
    with pytest.raises(RecordError, match=r"^big.txt:1: the file is larger than 20 MB"):
        read_bytes(b"junk line\n" * (2_200_000), "big.txt")


def test_unknown_language_is_named() -> None:
    raw = (ROOT / "examples" / "sample-report.txt").read_bytes().replace(b"\nGerman\n", b"\nKlingon\n")
    with pytest.raises(RecordError, match="original language 'Klingon' is not one we know"):
        read_bytes(raw)


def test_hostile_text_is_kept_as_given(data: Path) -> None:
    record = read_record(data / "text_hostile.txt")
    assert record.title == '<script>alert("title")</script> Letter about <img src=x onerror=alert(1)>'
    assert record.renditions[0].text.startswith('<script>document.title="pwned"</script>')


# -- records that don't fit the mould --------------------------------------------------------

RECORD = """{date}

Telegram from Moscow

Citation:

{citation}
{identifier}
Original Language:

Russian

Contents:

Translation - English

The text.
"""


def make(citation: str, *, date: str = "March 3, 1963", identifier: str = "") -> bytes:
    return RECORD.format(date=date, citation=citation, identifier=identifier).encode()


def only_record(raw: bytes, origin: str = "in/tel 12.txt") -> Record:
    return next(item for item in read_bytes(raw, origin) if isinstance(item, Record))


def test_an_identifier_block_gives_the_id() -> None:
    record = only_record(make('"Telegram", 1963, Archive X, file 4.', identifier="\nIdentifier:\n\nABC-1963-14\n"))
    assert record.id == "ABC-1963-14" and record.warnings == ()


def test_without_any_url_or_identifier_the_file_name_gives_the_id_with_a_warning() -> None:
    record = only_record(make('"Telegram", 1963, National Archives, file 4.'))
    assert record.id == "file-tel-12"
    (warning,) = record.warnings
    assert warning.origin == "in/tel 12.txt:7"  # the citation's line
    assert "made from the file name" in warning.message and "'Identifier' block" in warning.message


def test_another_sites_url_is_not_a_wilson_center_id() -> None:
    record = only_record(make('"Telegram", 1963, Archive X. https://archive.example.org/document/500001'))
    assert record.id == "archive.example.org-500001" and record.url == "https://archive.example.org/document/500001"


def test_a_citation_warning_is_kept_on_the_record() -> None:
    record = only_record(make('"Telegram", March 3, 1963, box 4. https://digitalarchive.wilsoncenter.org/document/77'))
    assert record.id == "wcda-77" and record.source.repository is None
    assert [w.origin for w in record.warnings] == ["in/tel 12.txt:7"]


def test_a_supplied_date_line_is_a_text_record_not_broken_json() -> None:
    from fonds.importers import detect

    for date in ("[1962]", "[ca. 1962]", "[n.d.]"):
        raw = make('"Telegram", 1962, Archive X. https://digitalarchive.wilsoncenter.org/document/78', date=date)
        assert detect(raw) == "text", date
    assert detect(b'[{"id": "a", "title": "b"}]') == "json"
    assert detect(b"[\n  ]") == "json"


@pytest.mark.parametrize(
    ("cut", "message"),
    [
        ("\nOriginal Language:\n\nRussian\n\nContents:\n\nTranslation - English\n\nThe text.\n",
         "cut.txt:11: the record ends before its 'Original Language' and 'Contents' blocks (only Summary is optional)"),
        ("\nContents:\n\nTranslation - English\n\nThe text.\n",
         "cut.txt:15: the record ends before its 'Contents' block (only Summary is optional)"),
    ],
)
def test_a_record_cut_off_mid_summary_names_what_is_missing(cut: str, message: str) -> None:
    raw = make('"Telegram", 1963, Archive X. https://digitalarchive.wilsoncenter.org/document/79')
    raw = raw.replace(b"Original Language:", b"Summary:\n\nThe ambassador reports on\n\nOriginal Language:")
    text_ = raw.decode()
    with pytest.raises(RecordError) as error:
        read_bytes(text_[: text_.index(cut)].encode(), "cut.txt")
    assert str(error.value).startswith(message)


def test_without_original_language_the_record_is_refused() -> None:
    raw = make('"Telegram", 1963, Archive X. https://digitalarchive.wilsoncenter.org/document/80')
    raw = raw.replace(b"Original Language:\n\nRussian\n\n", b"")
    with pytest.raises(RecordError, match=r"^x.txt:\d+: the record has no 'Original Language' block"):
        read_bytes(raw, "x.txt")


def test_an_identifier_that_breaks_the_identifier_rule_is_refused_with_its_line() -> None:
    raw = make('"Telegram", 1963, Archive X.', identifier="\nIdentifier:\n\nABC 1963 14\n")
    with pytest.raises(RecordError, match=r"^x.txt:11: the 'Identifier' block's id 'ABC 1963 14': the identifier holds a space"):
        read_bytes(raw, "x.txt")


@pytest.mark.parametrize(
    "change",
    [
        lambda raw: raw.replace(b'"Telegram", 1963, Archive X.', b""),  # empty Citation block
        lambda raw: raw.replace(b"Telegram from Moscow\n", b"Telegram from Moscow\nstray words\n"),
        lambda raw: raw.replace(b"Translation - English", b"Photocopy - English"),
        lambda raw: raw.replace(b"\nRussian\n", b"\nKlingon\n"),
        lambda raw: raw.replace(b"Citation:", b"Identifier:\n\nA-1\nB-2\n\nCitation:"),
        lambda raw: raw.replace(b"Contents:", b"Contents"),
        lambda raw: raw.split(b"Citation:")[0],
    ],
)
def test_every_refusal_names_a_line_and_never_ends_on_a_colon(change) -> None:  # type: ignore[no-untyped-def]
    raw = change(make('"Telegram", 1963, Archive X.'))
    with pytest.raises(RecordError) as error:
        read_bytes(raw, "x.txt")
    message = str(error.value)
    assert re.match(r"^x\.txt:\d+: \S", message), message
    assert not message.rstrip().endswith(":"), message


def _numeric_dated(date_line: str, language: str) -> bytes:
    return (
        f"{date_line}\n\nLetter from A to B\n\nCitation:\n\n\"Letter from A to B\", {date_line}, Wilson Center "
        "Digital Archive, Archive of the Foreign Policy of the Russian Federation (AVPRF), fond 1. "
        "https://digitalarchive.wilsoncenter.org/document/900001\n\n"
        f"Original Language:\n\n{language}\n\nContents:\n\nTranslation - English\n\nText.\n"
    ).encode()


def test_a_slashed_date_in_a_european_record_is_day_first() -> None:
    [record] = [r for r in read_bytes(_numeric_dated("05/04/1962", "Russian")) if isinstance(r, Record)]
    assert (record.date.text, record.date.earliest, record.warnings) == ("05/04/1962", "1962-04-05", ())


def test_an_ambiguous_slashed_date_without_a_hint_warns_with_both_readings() -> None:
    [record] = [r for r in read_bytes(_numeric_dated("05/04/1962", "English")) if isinstance(r, Record)]
    assert record.date.earliest == "1962-05-04"
    [warning] = record.warnings  # kept on the record for staff, listed in the ingest report
    assert warning.origin == "test.txt:1"
    assert "May 4, 1962" in warning.message and "April 5, 1962" in warning.message


def test_a_document_that_only_mentions_the_headings_is_not_a_text_record() -> None:
    readme = b"# Notes on the corpus\n\nEach page has a date, title, `Citation:`, `Summary:` and `Contents:`.\n"
    assert not text.sniff(readme)
    record = b"1962\n\nLetter\n\nCitation:\n\nx\n"
    assert text.sniff(record)
    assert text.sniff(b"# not a date\n\nTitle\n\n  Citation:\r\n")
