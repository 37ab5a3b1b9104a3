from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from lxml import etree

from fonds.exports import tei
from fonds.exports.tei_xml import TEI_NS
from fonds.record import Record

NS = {"t": TEI_NS}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _parse(record: Record) -> etree._Element:
    return etree.fromstring(tei.write(record).encode("utf-8"))


def _write_all(records: list[Record], folder: Path) -> list[Path]:
    paths = []
    for number, record in enumerate(records):
        path = folder / f"{number}.xml"
        path.write_text(tei.write(record), encoding="utf-8")
        paths.append(path)
    return paths


def test_every_kind_of_record_validates_against_tei_all(
    tmp_path: Path,
    jing: Callable[[list[Path]], list[str]],
    wilson_record: Record,
    frus_records: list[Record],
    frus_like_record: Record,
    hostile_record: Record,
) -> None:
    records = [wilson_record, frus_like_record, hostile_record, Record(id="bare", title="Bare"), *frus_records]
    assert jing(_write_all(records, tmp_path)) == []


def test_header_carries_title_date_translator_and_the_reference_in_parts(wilson_record: Record) -> None:
    root = _parse(wilson_record)
    header = root.find("t:teiHeader", NS)
    assert header.findtext("t:fileDesc/t:titleStmt/t:title", namespaces=NS) == wilson_record.title
    resp = header.find("t:fileDesc/t:titleStmt/t:respStmt", NS)
    assert resp.findtext("t:resp", namespaces=NS) == "translator"
    assert resp.findtext("t:name", namespaces=NS) == "Sergey Radchenko"
    date = header.find("t:profileDesc/t:creation/t:date", NS)
    assert (date.get("when"), date.text) == ("1962-08-14", "August 14, 1962")
    ms = header.find("t:fileDesc/t:sourceDesc/t:msDesc/t:msIdentifier", NS)
    assert ms.findtext("t:repository", namespaces=NS) == "Archive of the Foreign Policy of the Russian Federation"
    assert ms.find("t:repository", NS).get("key") == "AVPRF"
    assert ms.findtext("t:settlement", namespaces=NS) == "Moscow"
    parts = {i.get("type"): i.text for i in ms.findall("t:idno/t:idno", NS)}
    assert parts == {"fond": "0102", "opis": "18", "papka": "93", "delo": "5", "listy": "3-9"}
    assert "".join(ms.find("t:idno", NS).itertext()) == "fond 0102, opis 18, papka 93, delo 5, listy 3-9"
    languages = [(l.get("ident"), l.text) for l in header.iterfind(".//t:langUsage/t:language", NS)]
    assert languages == [("ru", "Russian"), ("en", "English")]
    assert header.find(".//t:msContents/t:textLang", NS).get("mainLang") == "ru"
    assert header.findtext(".//t:msContents/t:summary", namespaces=NS).startswith("The Soviet Ambassador")
    ids = {i.get("type"): i.text for i in header.iterfind("t:fileDesc/t:publicationStmt/t:idno", NS)}
    assert ids == {"fonds": "wcda-110485", "URI": "https://digitalarchive.wilsoncenter.org/document/110485"}


def test_body_keeps_the_text_and_turns_brackets_into_editorial_markup(wilson_record: Record) -> None:
    root = _parse(wilson_record)
    body = root.find("t:text/t:body", NS)
    assert root.find("t:text", NS).get(XML_LANG) == "en"
    assert [s.text for s in body.iterfind(".//t:supplied", NS)][:3] == ["I", "and", "and"]
    assert [s.text for s in body.iterfind(".//t:supplied", NS)] == [
        m.text for m in wilson_record.renditions[0].marks if m.kind == "supplied"
    ]
    assert [g.get("reason") for g in body.iterfind(".//t:gap", NS)] == ["omitted"] * 3
    choice = body.find(".//t:choice", NS)
    assert (choice.findtext("t:orig", namespaces=NS), choice.findtext("t:reg", namespaces=NS)) == (
        "Pak Seong-cheol", "Pak Song Chol",
    )
    paragraphs = body.findall("t:div/t:p", NS)
    assert paragraphs[0].text == "14 August 1962"
    assert "".join(paragraphs[1].itertext()).startswith("I paid a visit to comrade Kim II Sung")
    assert "[" not in "".join(body.itertext())


def test_persons_notes_and_pages_land_where_the_offsets_say(frus_like_record: Record) -> None:
    root = _parse(frus_like_record)
    div = root.find("t:text/t:body/t:div", NS)
    people = {p.findtext("t:persName", namespaces=NS): p.get("{http://www.w3.org/XML/1998/namespace}id")
              for p in root.iterfind(".//t:particDesc/t:listPerson/t:person", NS)}
    mentions = div.findall(".//t:persName", NS)
    assert [(m.get("ref"), "".join(m.itertext())) for m in mentions] == [
        (f"#{people['Khrushchev, Nikita S.']}", "Khrushchev"),
        (f"#{people['Kennedy, John F.']}", "Kennedy"),
    ]
    # the Khrushchev mention is inside the alternate form's original
    assert mentions[0].getparent().tag == f"{{{TEI_NS}}}orig"
    # the supplied span crossing "Kennedy" is dropped; the supplied date stays
    assert [s.text for s in div.iterfind(".//t:supplied", NS)] == ["of October 25"]
    children = [c.tag.split("}")[1] for c in div]
    assert children == ["pb", "p", "p", "pb", "p", "note"]
    assert div[0].get("n") == "170" and div[3].get("n") == "171"
    first = div.find("t:p", NS)
    assert first.find("t:note", NS).text == "Printed from an unofficial translation."
    assert first.find("t:note", NS).get("place") == "foot"
    assert div[-1].text == "A note without a place."


def test_hostile_text_is_escaped_and_still_well_formed(hostile_record: Record) -> None:
    out = tei.write(hostile_record)
    assert "<script>" not in out and "<b>" not in out
    root = etree.fromstring(out.encode("utf-8"))
    title = root.findtext(".//t:titleStmt/t:title", namespaces=NS)
    assert title.startswith('Kim <script>alert("x")</script> & Co')
    assert "\x0b" not in out


def test_overlapping_and_out_of_range_spans_never_break_the_xml(wilson_record: Record) -> None:
    from dataclasses import replace

    from fonds.record import Mark

    rendition = wilson_record.renditions[0]
    chaos = tuple(Mark("supplied", s, s + 37, "x") for s in range(0, len(rendition.text) + 50, 13))
    broken = replace(wilson_record, renditions=(replace(rendition, marks=rendition.marks + chaos),))
    root = _parse(broken)
    assert "".join(root.find("t:text", NS).itertext()).count("comrade Kim II Sung") == rendition.text.count(
        "comrade Kim II Sung"
    )


MARKED = (
    "The letter of Kim II Sung [sic] from [Moscow?] reads: [2 words illegible] and [1 line not declassified].\n\n"
    "[page 2]\n\n[stamp: Top Secret] [handwritten: Agreed] [handwritten] Signed [signature: A. Gromyko] "
    "[unclear] [redacted] [...]"
)


def test_editorial_marks_become_their_tei_elements_and_validate(
    tmp_path: Path, jing: Callable[[list[Path]], list[str]]
) -> None:
    from fonds.importers.marks import find_marks
    from fonds.record import Rendition

    record = Record(id="marks", title="Marks", renditions=(
        Rendition("translation", "en", MARKED, marks=find_marks(MARKED)),
    ))
    assert jing(_write_all([record], tmp_path)) == []
    body = _parse(record).find("t:text/t:body", NS)
    assert [g.get("reason") for g in body.iterfind(".//t:gap", NS)] == [
        "illegible", "redacted", "signature", "redacted", "omitted",
    ]
    assert [g.findtext("t:desc", namespaces=NS) for g in body.iterfind(".//t:gap", NS)] == [
        "2 words illegible", "1 line not declassified", "A. Gromyko", "redacted", None,
    ]
    assert [s.text for s in body.iterfind(".//t:sic", NS)] == ["Sung"]
    assert [u.text for u in body.iterfind(".//t:unclear", NS)] == ["Moscow", None]
    assert [p.get("n") for p in body.iterfind(".//t:pb", NS)] == ["2"]
    assert body.findtext(".//t:stamp", namespaces=NS) == "Top Secret"
    assert body.find(".//t:add", NS).get("rend") == "handwritten" and body.findtext(".//t:add", namespaces=NS) == "Agreed"
    assert body.find(".//t:handShift", NS).get("medium") == "handwritten"
    assert "[" not in "".join(body.itertext())


def test_a_note_and_foreign_marks_become_tei_elements_and_validate(
    tmp_path: Path, jing: Callable[[list[Path]], list[str]]
) -> None:
    from fonds.importers.marks import find_marks
    from fonds.record import Rendition

    printed = "Dear [illeg.] comrade [Translator's note: a pun] [pp. 3-4] [подпись] [stamp:] end"
    record = Record(id="notes", title="Notes", renditions=(
        Rendition("translation", "en", printed, marks=find_marks(printed)),
    ))
    assert jing(_write_all([record], tmp_path)) == []
    body = _parse(record).find("t:text/t:body", NS)
    assert [n.text for n in body.iterfind(".//t:note", NS)] == ["Translator's note: a pun"]
    assert [g.get("reason") for g in body.iterfind(".//t:gap", NS)] == ["illegible", "signature"]
    assert [p.get("n") for p in body.iterfind(".//t:pb", NS)] == ["3-4"]
    assert len(body.findall(".//t:stamp", NS)) == 1
    assert "[" not in "".join(body.itertext())
