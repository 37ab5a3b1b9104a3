"""Chicago notes and bibliography (CMoS 17th ed.), checked against citations written by hand."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from fonds.dates import parse_date
from fonds.errors import ExportError
from fonds.exports import chicago
from fonds.importers import frus
from fonds.record import Credit, Record, Source

WILSON_URL = "https://digitalarchive.wilsoncenter.org/document/110485"
FRUS_VI = (
    "Foreign Relations of the United States, 1961–1963, vol. VI, Kennedy-Khrushchev Exchanges, "
    "ed. Charles S. Sampson (Washington: United States Government Printing Office, 1996)"
)


@pytest.fixture(scope="module")
def korea_records(corpus: Path) -> dict[str, Record]:
    """FRUS 1964-68 vol. XXIX, part 1 (Korea), read by the FRUS importer."""
    with open(corpus / "frus" / "frus1964-68v29p1.xml", "rb") as handle:
        return {r.id: r for r in frus.read(handle, origin="frus1964-68v29p1.xml") if isinstance(r, Record)}


def _frus(records: list[Record], number: str) -> Record:
    return next(r for r in records if r.number == number)


# -- the shared record and three FRUS documents, cited by hand -------------------------------


def test_the_shared_record_as_a_note(wilson_record: Record) -> None:
    assert chicago.format_citation(wilson_record, form="note") == (
        "“Memorandum of Conversation between Soviet Ambassador to North Korea Vasily Moskovsky and "
        "Kim II Sung,” August 14, 1962, fond 0102, opis 18, papka 93, delo 5, listy 3–9, Archive of "
        "the Foreign Policy of the Russian Federation (AVPRF), Moscow, original in Russian, obtained "
        f"and translated for NKIDP by Sergey Radchenko, Wilson Center Digital Archive, {WILSON_URL}."
    )


def test_the_shared_record_in_a_bibliography(wilson_record: Record) -> None:
    assert chicago.format_citation(wilson_record, form="bibliography") == (
        "“Memorandum of Conversation between Soviet Ambassador to North Korea Vasily Moskovsky and "
        "Kim II Sung.” August 14, 1962. Fond 0102, opis 18, papka 93, delo 5, listy 3–9. Archive of "
        "the Foreign Policy of the Russian Federation (AVPRF), Moscow. Original in Russian. Obtained "
        f"and translated for NKIDP by Sergey Radchenko. Wilson Center Digital Archive. {WILSON_URL}."
    )


def test_a_translated_frus_letter_names_the_volume_editor_document_and_source(frus_records: list[Record]) -> None:
    record = _frus(frus_records, "66")
    assert chicago.format_citation(record) == (
        "“Letter from Chairman Khrushchev to President Kennedy,” Moscow, October 27, 1962, translated "
        "from the Russian, Department of State, Presidential Correspondence: Lot 66 D 204, in "
        f"{FRUS_VI}, doc. 66, https://history.state.gov/historicaldocuments/frus1961-63v06/d66."
    )
    assert chicago.format_citation(record, form="bibliography") == (
        "“Letter from Chairman Khrushchev to President Kennedy.” Moscow, October 27, 1962. Translated "
        "from the Russian. Department of State, Presidential Correspondence: Lot 66 D 204. In Foreign "
        "Relations of the United States, 1961–1963, vol. VI, Kennedy-Khrushchev Exchanges, edited by "
        "Charles S. Sampson, doc. 66. Washington: United States Government Printing Office, 1996. "
        "https://history.state.gov/historicaldocuments/frus1961-63v06/d66."
    )


def test_a_frus_telegram_keeps_its_time_of_transmission(frus_records: list[Record]) -> None:
    assert chicago.format_citation(_frus(frus_records, "62")) == (
        "“Telegram from the Department of State to the Embassy in the Soviet Union,” Washington, "
        "October 23, 1962, 6:51 p.m., Department of State, Presidential Correspondence: Lot 66 D 204, "
        f"in {FRUS_VI}, doc. 62, https://history.state.gov/historicaldocuments/frus1961-63v06/d62."
    )


def test_a_frus_volume_in_parts_from_the_national_archives(korea_records: dict[str, Record]) -> None:
    assert chicago.format_citation(korea_records["frus1964-68v29p1-d41"]) == (
        "“Telegram from the Embassy in Korea to the Department of State,” Seoul, April 27, 1965, "
        "National Archives and Records Administration, RG 59, Central Files 1964–66, POL 27–3 VIET S, "
        "in Foreign Relations of the United States, 1964–1968, vol. XXIX, pt. 1, Korea, ed. Karen L. "
        "Gatz (Washington: United States Government Printing Office, 2000), doc. 41, "
        "https://history.state.gov/historicaldocuments/frus1964-68v29p1/d41."
    )


def test_html_italicises_the_series_and_the_volume(frus_records: list[Record]) -> None:
    html = chicago.format_citation(_frus(frus_records, "66"), output="html")
    assert "in <i>Foreign Relations of the United States, 1961–1963</i>, vol. VI, <i>Kennedy-Khrushchev Exchanges</i>, ed." in html


# -- the Manual's rules, one by one ----------------------------------------------------------


@pytest.mark.parametrize(
    ("printed", "headline"),
    [
        ("Letter From Chairman Khrushchev to President Kennedy", "Letter from Chairman Khrushchev to President Kennedy"),
        ("talks about trade between the two delegations", "Talks about Trade between the Two Delegations"),
        ("Conversation With Charles de Gaulle", "Conversation with Charles de Gaulle"),
        ("Report on the GDR: an overview", "Report on the GDR: An Overview"),
        ("a follow-up on the meeting", "A Follow-Up on the Meeting"),
        ("What Is It About", "What Is It About"),  # a preposition last is capitalised
        ("Беседа с Ким Ир Сеном", "Беседа с Ким Ир Сеном"),  # not English: left as printed
    ],
)
def test_titles_in_headline_style(printed: str, headline: str) -> None:
    assert chicago.headline(printed) == headline


def _record(**changes: object) -> Record:
    base = Record(id="x-1", title="Note on the talks", date=parse_date("c. 1962"),
                  source=Source(repository="Archives nationales", reference={"text": "AG/5(1)/1"}))
    return replace(base, **changes)  # type: ignore[arg-type]


def test_punctuation_goes_inside_the_quotation_marks() -> None:
    assert chicago.format_citation(_record(), form="note").startswith("“Note on the Talks,” ca. 1962, ")
    assert chicago.format_citation(_record(), form="bibliography").startswith("“Note on the Talks.” ca. 1962. ")
    question = _record(title="Who Decided?")
    assert chicago.format_citation(question).startswith("“Who Decided?” ca. 1962, ")


@pytest.mark.parametrize(
    ("printed", "shown"),
    [
        ("c. 1962", "ca. 1962"),
        ("August 14-16, 1962", "August 14–16, 1962"),
        ("August 31 - September 2, 1962", "August 31–September 2, 1962"),
        ("1962-1963", "1962–1963"),
        ("[1962]", "[1962]"),
        ("14 августа 1962 г.", "August 14, 1962"),
        ("after 1962", "after 1962"),
        ("Spring 1962", "Spring 1962"),
        ("late August 1962", "late August 1962"),
        ("1962?", "1962?"),
        ("n.d.", "n.d."),
    ],
)
def test_dates_as_printed_in_chicago_style(printed: str, shown: str) -> None:
    note = chicago.format_citation(_record(date=parse_date(printed)))
    assert note.startswith(f"“Note on the Talks,” {shown}, AG/5(1)/1, Archives nationales.")


@pytest.mark.parametrize(
    ("credited", "note", "entry"),
    [
        ("Charles de Gaulle", "Charles de Gaulle, “Note", "de Gaulle, Charles. “Note"),
        ("Max van der Stoel", "Max van der Stoel, “Note", "van der Stoel, Max. “Note"),
        ("Stephen Van Rensselaer", "Stephen Van Rensselaer, “Note", "Van Rensselaer, Stephen. “Note"),
        ("Robert M. La Follette Sr.", "Robert M. La Follette Sr., “Note", "La Follette, Robert M., Sr. “Note"),
        ("Gromyko, Andrei", "Andrei Gromyko, “Note", "Gromyko, Andrei. “Note"),
    ],
)
def test_authors_with_particles_are_inverted_as_the_manual_says(credited: str, note: str, entry: str) -> None:
    record = _record(credits=(Credit("author", credited),))
    assert chicago.format_citation(record).startswith(note)
    assert chicago.format_citation(record, form="bibliography").startswith(entry)


def test_original_language_and_translator() -> None:
    record = _record(original_languages=("fr",), credits=(Credit("translator", "Jane Smith"),),
                     renditions=())
    assert ", trans. from the French by Jane Smith." in chicago.format_citation(record)
    assert ". Translated from the French by Jane Smith." in chicago.format_citation(record, form="bibliography")


def test_no_type_leaves_no_stray_separator() -> None:
    note = chicago.format_citation(_record(type=None, date=parse_date("n.d.")))
    assert note == "“Note on the Talks,” n.d., AG/5(1)/1, Archives nationales."
    assert ",," not in note and ", ," not in note and "()" not in note


def test_write_gives_note_then_bibliography(wilson_record: Record) -> None:
    note, entry = chicago.write(wilson_record).splitlines()
    assert note == chicago.format_citation(wilson_record)
    assert entry == chicago.format_citation(wilson_record, form="bibliography")


def test_html_escapes_what_the_record_holds(hostile_record: Record) -> None:
    out = chicago.write_html(hostile_record)
    assert "<script>" not in out and "<O'Brien>" not in out
    assert "&lt;script&gt;" in out


def test_unknown_form_is_refused_by_name(wilson_record: Record) -> None:
    with pytest.raises(ExportError) as raised:
        chicago.format_citation(wilson_record, form="footnote")
    assert str(raised.value) == "citation form 'footnote' is not one we make; use one of note, bibliography"


@pytest.mark.parametrize(
    ("title", "note", "bibliography"),
    [
        ('Why "Détente" Failed', "“Why ‘Détente’ Failed,”", "“Why ‘Détente’ Failed.”"),
        ("On “Peaceful Coexistence”", "“On ‘Peaceful Coexistence,’”", "“On ‘Peaceful Coexistence.’”"),
        ('Is "Détente" Over?', "“Is ‘Détente’ Over?”", "“Is ‘Détente’ Over?”"),
    ],
)
def test_quotation_marks_inside_a_title_become_single(
    wilson_record: Record, title: str, note: str, bibliography: str
) -> None:
    """CMoS 6.11: quoted words inside a quoted title take single quotation marks."""
    bare = replace(wilson_record, title=title, credits=(), collections=(), source=Source(), url=None,
                   date=parse_date("n.d."))
    assert chicago.format_citation(bare, form="note").startswith(note + " n.d.")
    assert chicago.format_citation(bare, form="bibliography").startswith(bibliography + " n.d.")
