"""FRUS TEI volumes: one Record per document, checked against the XML itself."""

from __future__ import annotations

import calendar
import io
import time
from pathlib import Path

import pytest
from lxml import etree

from fonds.authority import Entity
from fonds.errors import RecordError
from fonds.importers import frus
from fonds.collection import Collection
from fonds.record import Note, PageBreak, PersonLink, Record
from fonds.store.sqlite import SQLiteStore

VOLUMES = ("frus1961-63v06", "frus1958-60v18", "frus1961-63v05", "frus1964-68v29p1")
NS = {"tei": "http://www.tei-c.org/ns/1.0"}
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
CURRENT = "current-encoding/frus1961-63v06_d1-d4_current-encoding.xml"


def read_all(path: Path) -> list[Record | Collection | Entity]:
    with path.open("rb") as file:
        return list(frus.read(file, origin=str(path)))


def records_of(items: list[Record | Collection | Entity]) -> dict[str, Record]:
    return {item.id: item for item in items if isinstance(item, Record)}


@pytest.fixture(scope="module")
def volumes(corpus: Path) -> dict[str, list[Record | Collection | Entity]]:
    return {volume: read_all(corpus / "frus" / f"{volume}.xml") for volume in VOLUMES}


# -- small hand-written volumes --------------------------------------------------------------


def test_minimal_volume(data: Path) -> None:
    items = read_all(data / "frus_minimal.xml")
    collections = [item for item in items if isinstance(item, Collection)]
    assert collections == [
        Collection(
            "frus1961-63v99",
            "Foreign Relations of the United States, 1961–1963, Volume XCIX, Test Exchanges",
            None,
            "volume",
        ),
        Collection("frus1961-63v99-comp1", "Test Exchanges", "frus1961-63v99", "compilation"),
        Collection("frus1961-63v99-ch1", "Letters, 1961", "frus1961-63v99-comp1", "chapter"),
        Collection("frus1961-63v99-ch2", "Conversations", "frus1961-63v99-comp1", "chapter"),
    ]
    entities = [item for item in items if isinstance(item, Entity)]
    assert entities[0] == Entity(
        id="frus:frus1961-63v99#p_KNS2",
        preferred="Khrushchev, Nikita S.",
        description="Chairman of the Council of Ministers of the Soviet Union",
        sources=("https://history.state.gov/historicaldocuments/frus1961-63v99/persons#p_KNS2",),
    )
    records = records_of(items)
    assert list(records) == ["frus1961-63v99-d1", "frus1961-63v99-d2", "frus1961-63v99-d3"]

    letter = records["frus1961-63v99-d1"]
    assert letter.title == "Letter From Chairman Khrushchev to Secretary of State Rusk"
    assert letter.type == "Letter"
    assert letter.number == "1"
    assert letter.place == "Moscow"
    assert letter.date.to_dict() == {
        "text": "February 3, 1961", "edtf": "1961-02-03",
        "earliest": "1961-02-03", "latest": "1961-02-03",
    }
    assert letter.source.citation == (
        "Source: Department of State, Presidential Correspondence: Lot 66 D 204. Secret; Eyes "
        "Only. The source text is a Department of State translation from Russian."
    )
    assert letter.source.repository == "Department of State"
    assert dict(letter.source.reference) == {"file": "Presidential Correspondence: Lot 66 D 204"}
    assert letter.source.classification == "Secret; Eyes Only"
    assert letter.original_languages == ("ru",)
    assert letter.collections == ("frus1961-63v99", "frus1961-63v99-comp1", "frus1961-63v99-ch1")
    assert letter.origin == f"{data / 'frus_minimal.xml'}#d1"
    assert letter.url == "https://history.state.gov/historicaldocuments/frus1961-63v99/d1"
    (rendition,) = letter.renditions
    assert rendition.kind == "translation" and rendition.language == "en"
    assert rendition.text == (
        "Moscow, February 3, 1961.\n\nDEAR MR. SECRETARY: I write to you about the test."
        "\n\nN. Khrushchev"
    )
    assert rendition.notes == (Note("1", "Printed from an unsigned copy.", 54),)
    assert rendition.text[:54].endswith("I write")
    assert rendition.pages == (PageBreak("1", 0), PageBreak("2", 68))
    assert rendition.text[68:].startswith("the test.")
    # persName type="from"/"to": author and recipient; the signature's mention adds no second entry.
    assert letter.persons == (
        PersonLink("frus:frus1961-63v99#p_KNS2", "Khrushchev", "author", "encoded in FRUS"),
        PersonLink("frus:frus1961-63v99#p_RD1", "Rusk", "recipient", "encoded in FRUS"),
    )
    assert [(p.name, p.roles) for p in letter.people()] == [("Khrushchev", ("author",)), ("Rusk", ("recipient",))]
    assert letter.chapter == "Letters, 1961"

    memcon = records["frus1961-63v99-d2"]
    assert memcon.type == "Memorandum of Conversation"
    assert (memcon.date.earliest, memcon.date.latest) == ("1962-11-15", "1962-11-17")
    assert memcon.date.text == "November 15 and 17, 1962"
    assert memcon.subjects == ("Discussion of U.S.-Soviet Relations",)
    assert memcon.participants == ("Mikhail A. Menshikov, Soviet Ambassador", "The Secretary")
    assert memcon.source.classification == "Confidential; Priority"
    assert memcon.source.drafter == "Rusk"
    assert dict(memcon.source.reference) == {"file": "Central Files, 611.61/2-361"}
    assert memcon.original_languages == ("en",)
    assert memcon.renditions[0].kind == "original"
    roles = {link.id: link.role for link in memcon.persons}
    assert roles == {
        "frus:frus1961-63v99#p_RD1": "mentioned",
        "frus:frus1961-63v99#p_MMA1": "participant",
        "frus:frus1961-63v99#p_KNS2": "mentioned",
    }

    paper = records["frus1961-63v99-d3"]
    assert paper.type == "Paper"
    assert (paper.date.earliest, paper.date.latest) == ("1962-08-01", "1962-09-30")
    assert paper.source.repository == "Kennedy Library"


def test_undated_documents_stay_undated_or_take_the_bounds_frus_gives(data: Path) -> None:
    records = records_of(read_all(data / "frus_missing_date.xml"))
    note = records["frus1961-63v98-d1"]
    assert note.type == "Editorial Note"
    assert not note.date.is_dated and note.date.text is None
    bounded = records["frus1961-63v98-d2"]
    assert (bounded.date.earliest, bounded.date.latest) == ("1962-10-01", "1962-10-31")
    printed = records["frus1961-63v98-d3"]
    assert not printed.date.is_dated and printed.date.text == "undated"


def test_volume_id_from_the_tei_element_and_title_falls_back_to_the_id(data: Path) -> None:
    items = read_all(data / "frus_missing_date.xml")
    assert items[0] == Collection("frus1961-63v98", "frus1961-63v98", None, "volume")


# -- bad input --------------------------------------------------------------------------------


def test_malformed_xml_is_rejected_with_line_and_column(data: Path) -> None:
    with pytest.raises(RecordError) as error:
        read_all(data / "frus_malformed.xml")
    assert str(error.value) == (
        f"{data / 'frus_malformed.xml'}:8:19: Opening and ending tag mismatch: p line 7 and div; "
        "the file is not well-formed XML, fix it and import it again"
    )


def test_tei_that_is_not_frus_says_so(data: Path) -> None:
    with pytest.raises(RecordError) as error:
        read_all(data / "not_frus.xml")
    assert str(error.value) == (
        f"{data / 'not_frus.xml'}:2: this TEI file is not a FRUS volume: it has no "
        "<idno type=\"frus\"> in its teiHeader and no xml:id=\"frus...\" on <TEI>; "
        "fonds reads the Office of the Historian's FRUS volumes"
    )


def test_xml_that_is_not_tei_says_so() -> None:
    with pytest.raises(RecordError) as error:
        list(frus.read(io.BytesIO(b"<person><id>1</id></person>"), origin="p.xml"))
    assert str(error.value) == "p.xml:1: the root element is <person>, not a TEI <TEI>; this is not a FRUS volume"


@pytest.mark.parametrize("name", ["frus_billion_laughs.xml", "frus_xxe.xml", "frus_external_dtd.xml"])
def test_entities_and_dtds_are_refused_before_anything_is_yielded(data: Path, name: str) -> None:
    with (data / name).open("rb") as file:
        documents = frus.read(file, origin=name)
        with pytest.raises(RecordError, match=rf"^{name}:2:1: the DOCTYPE"):
            next(documents)


def test_a_bad_document_stops_the_volume_before_anything_is_yielded(data: Path) -> None:
    # no xml:id, no @n and no number at the start of its <head>: nothing to fall back on
    text = (data / "frus_minimal.xml").read_text().replace('xml:id="d2" n="2"', "").replace("<head>2. ", "<head>")
    documents = frus.read(io.BytesIO(text.encode()), origin="bad.xml")
    with pytest.raises(RecordError, match=r"^bad.xml:\d+: <div type=\"document\"> has no xml:id and no document number"):
        next(documents)


def test_an_impossible_encoded_date_is_a_warning_and_the_printed_date_is_kept(data: Path) -> None:
    text = (data / "frus_minimal.xml").read_text().replace('when="1961-02-03"', 'when="1961-02-30"')
    records = records_of(list(frus.read(io.BytesIO(text.encode()), origin="bad.xml")))
    letter = records["frus1961-63v99-d1"]
    assert (letter.date.text, letter.date.earliest) == ("February 3, 1961", "1961-02-03")
    (warning,) = letter.warnings
    assert warning.origin.startswith("bad.xml:") and "date '1961-02-30'" in warning.message
    assert "read from the printed date" in warning.message
    assert len(records) == 3


def test_a_document_without_xml_id_takes_its_number() -> None:
    raw = _volume('<div type="document" n="12"><head>12. Letter</head><p>One.</p></div>')
    (record,) = records_of(list(frus.read(io.BytesIO(raw), origin="v97.xml"))).values()
    assert record.id == "frus1961-63v97-d12" and "no xml:id" in record.warnings[0].message
    with pytest.raises(RecordError, match=r"^v97.xml:\d+: <div type=\"document\"> has no xml:id and no document number"):
        list(frus.read(io.BytesIO(_volume('<div type="document"><head>Letter</head></div>')), origin="v97.xml"))


def test_sniff(data: Path, corpus: Path) -> None:
    assert frus.sniff((corpus / "frus" / "frus1961-63v05.xml").read_bytes()[:4096])
    assert frus.sniff((corpus / "frus" / CURRENT).read_bytes()[:4096])
    assert frus.sniff((data / "frus_minimal.xml").read_bytes()[:4096])
    assert not frus.sniff((data / "not_frus.xml").read_bytes()[:4096])
    assert not frus.sniff(b"Title: a text record\n")


def test_document_type_from_title() -> None:
    assert frus.document_type("Telegram 1741 From the Embassy in Japan") == "Telegram"
    assert frus.document_type("Memorandum of Conversation") == "Memorandum of Conversation"
    assert frus.document_type("Salinger Diary Entry") == "Diary Entry"
    assert frus.document_type("Proclamation by the President") == "Proclamation"


# -- the shared volumes -------------------------------------------------------------------------


def test_all_four_volumes_give_1215_records_with_title_and_type(volumes: dict[str, list]) -> None:
    records = [item for items in volumes.values() for item in records_of(items).values()]
    assert len(records) == 1215
    assert len({record.id for record in records}) == 1215
    assert all(record.title and record.type for record in records)
    assert all(record.renditions[0].text for record in records)


def expected_bounds(div: etree._Element) -> tuple[str, str] | None:
    """The bounds FRUS encodes in the dateline, computed here from the XML alone."""
    for date in div.xpath("tei:dateline//tei:date", namespaces=NS):
        when = date.get("when")
        if when:
            return widen(when[:10])[0], widen(when[:10])[1]
        low, high = date.get("from") or date.get("notBefore"), date.get("to") or date.get("notAfter")
        if low and high:
            return widen(low[:10])[0], widen(high[:10])[1]
    return None


def widen(value: str) -> tuple[str, str]:
    parts = value.split("-")
    if len(parts) == 3:
        return value, value
    if len(parts) == 2:
        last = calendar.monthrange(int(parts[0]), int(parts[1]))[1]
        return f"{value}-01", f"{value}-{last:02d}"
    return f"{value}-01-01", f"{value}-12-31"


@pytest.mark.parametrize("volume", VOLUMES)
def test_dated_documents_carry_exactly_the_encoded_bounds(
    corpus: Path, volumes: dict[str, list], volume: str
) -> None:
    records = records_of(volumes[volume])
    tree = etree.parse(str(corpus / "frus" / f"{volume}.xml"))
    checked = 0
    for div in tree.iterfind(".//tei:div[@type='document']", NS):
        record = records[f"{volume}-{div.get(XML_ID)}"]
        bounds = expected_bounds(div)
        if bounds is None:
            assert not record.date.is_dated, record.id  # never an invented date
            continue
        assert (record.date.earliest, record.date.latest) == bounds, record.id
        printed = div.xpath("tei:dateline//tei:date[@when or @from or @notBefore]", namespaces=NS)[0]
        assert record.date.text == " ".join("".join(printed.itertext()).split())
        checked += 1
    assert checked == {"frus1961-63v06": 110, "frus1958-60v18": 319,
                       "frus1961-63v05": 255, "frus1964-68v29p1": 330}[volume]


@pytest.mark.parametrize("volume", VOLUMES)
def test_participants_and_person_links_match_the_xml(
    corpus: Path, volumes: dict[str, list], volume: str
) -> None:
    records = records_of(volumes[volume])
    tree = etree.parse(str(corpus / "frus" / f"{volume}.xml"))
    for div in tree.iterfind(".//tei:div[@type='document']", NS):
        record = records[f"{volume}-{div.get(XML_ID)}"]
        items = div.xpath(".//tei:list[@type='participants']/tei:item", namespaces=NS)
        assert len(record.participants) == len(items), record.id
        targets = {t[1:] for t in div.xpath(".//tei:persName/@corresp", namespaces=NS)}
        assert {link.id for link in record.persons} == {f"frus:{volume}#{t}" for t in targets}
        in_list = {t[1:] for t in div.xpath(
            ".//tei:list[@type='participants']//tei:persName/@corresp", namespaces=NS)}
        assert {link.id for link in record.persons if link.role == "participant"} == {
            f"frus:{volume}#{t}" for t in in_list
        }
        assert all(link.source == "encoded in FRUS" for link in record.persons)


def test_memcons_have_participants_and_khrushchev_letters_are_translations(
    volumes: dict[str, list],
) -> None:
    v05 = records_of(volumes["frus1961-63v05"])
    memcon = v05["frus1961-63v05-d21"]
    assert memcon.participants[0] == "Mikhail A. Menshikov, Soviet Ambassador"
    assert memcon.subjects == ("Discussion of U.S.-Soviet Relations",)
    assert memcon.source.drafter == "McSweeney"
    v06 = records_of(volumes["frus1961-63v06"])
    letter = v06["frus1961-63v06-d3"]
    assert letter.original_languages == ("ru",)
    assert letter.renditions[0].kind == "translation"
    assert v06["frus1961-63v06-d2"].original_languages == ("en",)
    assert sum(1 for r in v06.values() if r.original_languages == ("ru",)) >= 40
    assert v06["frus1961-63v06-d4"].source.drafter == "McSweeney and Veliotes (SOV)"


def test_every_source_note_is_kept_whole(corpus: Path, volumes: dict[str, list]) -> None:
    with_source = [r for items in volumes.values() for r in records_of(items).values() if r.source.citation]
    assert len(with_source) >= 990
    assert all(r.source.citation.startswith(("Source", "[Source")) for r in with_source)
    kennedy = [r for r in with_source if r.source.repository == "Kennedy Library"]
    assert len(kennedy) == 65
    assert all("Kennedy Library" in r.source.citation.split(".")[0] for r in kennedy)


def test_volumes_and_chapters_are_collections_titled_from_bibliography(volumes: dict[str, list]) -> None:
    v18 = [item for item in volumes["frus1958-60v18"] if isinstance(item, Collection)]
    assert v18[0] == Collection(
        "frus1958-60v18",
        "Foreign Relations of the United States, 1958–1960, Japan; Korea, Volume XVIII",
        None,
        "volume",
    )
    assert Collection("frus1958-60v18-ch1", "U.S. Policy Toward Japan", "frus1958-60v18-comp1", "chapter") in v18
    record = records_of(volumes["frus1958-60v18"])["frus1958-60v18-d3"]
    assert record.collections == ("frus1958-60v18", "frus1958-60v18-comp1", "frus1958-60v18-ch1")


def test_persons_lists_become_entities(volumes: dict[str, list]) -> None:
    entities = {e.id: e for e in volumes["frus1961-63v05"] if isinstance(e, Entity)}
    assert len(entities) == 110
    assert entities["frus:frus1961-63v05#p_MMA1"].description == (
        "Soviet Ambassador to the United States until January 1962"
    )


def normalized(text: str) -> str:
    return " ".join(text.split()).casefold()


def test_current_encoding_gives_the_same_records_as_the_2015_text(
    corpus: Path, volumes: dict[str, list]
) -> None:
    current = records_of(read_all(corpus / "frus" / CURRENT))
    old = records_of(volumes["frus1961-63v06"])
    assert list(current) == [f"frus1961-63v06-d{n}" for n in range(1, 5)]
    for record_id, new in current.items():
        was = old[record_id]
        assert new.title == was.title
        assert new.type == was.type
        assert new.number == was.number
        assert (new.date.text, new.date.earliest, new.date.latest) == (
            was.date.text, was.date.earliest, was.date.latest)
        assert new.place == was.place
        assert normalized(new.renditions[0].text) == normalized(was.renditions[0].text)
        assert [n.n for n in new.renditions[0].notes] == [n.n for n in was.renditions[0].notes]
        assert {p.id for p in new.persons} == {p.id for p in was.persons}
        assert new.source.citation is not None and was.source.citation is not None
        assert normalized(new.source.citation) == normalized(was.source.citation)
        assert new.original_languages == was.original_languages
        assert new.collections == was.collections


def test_a_volume_of_4_mb_reads_in_seconds(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = corpus / "frus" / "frus1961-63v05.xml"
    started = time.perf_counter()
    items = read_all(path)
    seconds = time.perf_counter() - started
    with capsys.disabled():
        print(f"\nread {path.name} ({path.stat().st_size:,} bytes, {len(items)} items) in {seconds:.2f} s")
    assert seconds < 5


def test_records_round_trip_through_the_store(volumes: dict[str, list], tmp_path: Path) -> None:
    items = volumes["frus1961-63v06"]
    with SQLiteStore(tmp_path / "fonds.db") as store:
        result = store.add(
            [i for i in items if isinstance(i, Record)],
            collections=[i for i in items if isinstance(i, Collection)],
            entities=[i for i in items if isinstance(i, Entity)],
        )
        assert result.added == 120
        record = store.get("frus1961-63v06-d3")
        assert record == records_of(items)["frus1961-63v06-d3"]
        linked = store.records_of_entity("frus:frus1961-63v06#p_KNS2")
        assert len(linked) > 100


# -- documents that don't fit the mould ------------------------------------------------------


def _volume(documents: str, volume: str = "frus1961-63v97") -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:id="{volume}">
  <text><body>
    <div type="chapter" xml:id="ch1"><head>Berlin<note n="1">A note on the chapter.</note></head>
{documents}
    </div>
  </body></text>
</TEI>""".encode()


def test_an_empty_head_gets_a_devised_title_and_a_warning_and_the_rest_goes_in() -> None:
    raw = _volume("""
      <div type="document" xml:id="d71" n="71"><head>71. Telegram From the Embassy in Moscow</head><p>One.</p></div>
      <div type="document" xml:id="d72A" n="72A"><head>  </head><p>Two.</p></div>
      <div type="document" xml:id="d73"><p>Three, with no head at all.</p></div>
      <div type="document" xml:id="d74" n="74"><head>74. Letter</head><p>Four.</p></div>""")
    records = records_of(list(frus.read(io.BytesIO(raw), origin="v97.xml")))
    assert [r.title for r in records.values()] == [
        "Telegram From the Embassy in Moscow", "[Untitled document 72A]", "[Untitled document d73]", "Letter",
    ]
    untitled = records["frus1961-63v97-d72A"]
    (warning,) = untitled.warnings
    assert warning.origin == "v97.xml:7"  # the line of the empty <head>
    assert "empty <head>" in warning.message and "[Untitled document 72A]" in warning.message
    assert "no <head>" in records["frus1961-63v97-d73"].warnings[0].message
    assert records["frus1961-63v97-d71"].warnings == ()


def test_document_numbers_and_chapters_are_kept(volumes: dict[str, list[Record | Collection | Entity]]) -> None:
    v05 = records_of(volumes["frus1961-63v05"])
    d66 = v05["frus1961-63v05-d66"]
    assert (d66.number, d66.chapter) == ("66", "Soviet Union")
    v29 = records_of(volumes["frus1964-68v29p1"])
    chapters = {r.chapter for r in v29.values()}
    assert chapters == {
        "Korea", "Pueblo Crisis",
        "U.S. Efforts To Encourage Normalization of Relations Between the Republic of Korea and Japan",
    }
    assert all(r.number and r.id.endswith(f"-d{r.number}") for r in v29.values())


def test_the_chapter_title_leaves_its_notes_out() -> None:
    raw = _volume('<div type="document" xml:id="d1" n="1"><head>1. Letter</head><p>One.</p></div>')
    (record,) = records_of(list(frus.read(io.BytesIO(raw), origin="v97.xml"))).values()
    assert record.chapter == "Berlin"


def test_from_and_to_become_author_and_recipient_each_person_once(corpus: Path) -> None:
    path = corpus / "frus" / CURRENT
    records = records_of(read_all(path))
    tree = etree.parse(str(path))
    for div in tree.iterfind(".//tei:div[@type='document']", NS):
        record = records[f"frus1961-63v06-{div.get(XML_ID)}"]
        people = {p.id.split("#")[1]: p.roles for p in record.people()}
        assert len(people) == len(record.people())  # each person once
        for name in div.iterfind(".//tei:persName[@type]", NS):
            role = {"from": "author", "to": "recipient"}[name.get("type")]
            assert role in people[name.get("corresp")[1:]], (record.id, name.get("corresp"))


def test_a_repeated_xml_id_is_named_at_its_document_not_called_malformed_xml() -> None:
    raw = _volume("""
      <div type="document" xml:id="d1" n="1"><head>1. Letter</head><p>One.</p></div>
      <div type="document" xml:id="d1" n="2"><head>2. Letter</head><p>Two.</p></div>""")
    with pytest.raises(RecordError) as refused:
        list(frus.read(io.BytesIO(raw), origin="v97.xml"))
    message = str(refused.value)
    assert message.startswith("v97.xml:7: document id 'frus1961-63v97-d1' occurs twice")
    assert "well-formed" not in message


def test_an_unusable_xml_id_or_a_missing_n_falls_back_to_the_number_with_a_warning() -> None:
    raw = _volume("""
      <div type="document" xml:id="bad id" n="8"><head>8. Telegram</head><p>Eight.</p></div>
      <div type="document"><head>9. Letter From Rusk</head><p>Nine.</p></div>""")
    records = records_of(list(frus.read(io.BytesIO(raw), origin="v97.xml")))
    assert list(records) == ["frus1961-63v97-d8", "frus1961-63v97-d9"]
    assert "'bad id' cannot be a record id" in records["frus1961-63v97-d8"].warnings[0].message
    nine = records["frus1961-63v97-d9"]
    assert (nine.number, nine.title) == ("9", "Letter From Rusk")
    assert [w.origin for w in nine.warnings] == ["v97.xml:7", "v97.xml:7"]
    assert "number was read from its <head>" in nine.warnings[0].message


def test_an_unusable_xml_id_without_a_number_is_refused_with_its_line() -> None:
    raw = _volume("""
      <div type="document" xml:id="a b"><p>No number anywhere.</p></div>""")
    with pytest.raises(RecordError, match=r"^v97\.xml:6: document xml:id 'a b' cannot be a record id"):
        list(frus.read(io.BytesIO(raw), origin="v97.xml"))
