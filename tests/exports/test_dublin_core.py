from __future__ import annotations

from lxml import etree

from fonds.exports import dublin_core
from fonds.record import Record

DC = "{http://purl.org/dc/elements/1.1/}"
DC_ELEMENTS = {
    "title", "creator", "subject", "description", "publisher", "contributor", "date", "type",
    "format", "identifier", "source", "language", "relation", "coverage", "rights",
}


def _fields(record: Record) -> dict[str, list[str]]:
    root = etree.fromstring(dublin_core.write(record).encode("utf-8"))
    assert root.tag == "{http://www.openarchives.org/OAI/2.0/oai_dc/}dc"
    fields: dict[str, list[str]] = {}
    for child in root:
        assert child.tag.startswith(DC) and child.tag[len(DC):] in DC_ELEMENTS, child.tag
        assert len(child) == 0
        fields.setdefault(child.tag[len(DC):], []).append(child.text)
    return fields


def test_the_shared_record_field_by_field(wilson_record: Record) -> None:
    assert _fields(wilson_record) == {
        "title": [wilson_record.title],
        "contributor": ["Radchenko, Sergey (translator)"],
        "description": [wilson_record.summary],
        "date": ["1962-08-14"],
        "type": ["Text", "Memorandum of Conversation"],
        "identifier": ["https://digitalarchive.wilsoncenter.org/document/110485", "wcda-110485"],
        "source": [
            (
                "Archive of the Foreign Policy of the Russian Federation (AVPRF), "
                "fond 0102, opis 18, papka 93, delo 5, listy 3-9"
            )
        ],
        "language": ["ru", "en"],
        "relation": ["NKIDP"],
    }


def test_schema_location_names_the_oai_dc_schema(wilson_record: Record) -> None:
    root = etree.fromstring(dublin_core.write(wilson_record).encode("utf-8"))
    location = root.get("{http://www.w3.org/2001/XMLSchema-instance}schemaLocation")
    assert location == "http://www.openarchives.org/OAI/2.0/oai_dc/ http://www.openarchives.org/OAI/2.0/oai_dc.xsd"


def test_hostile_record_is_well_formed_and_keeps_its_text(hostile_record: Record) -> None:
    out = dublin_core.write(hostile_record)
    assert "<script>" not in out
    fields = _fields(hostile_record)
    assert fields["title"] == [hostile_record.title.replace("\x0b", "\ufffd")]
    assert fields["date"] == ["1962~", "c. 1962"]  # EDTF, then the date as printed
