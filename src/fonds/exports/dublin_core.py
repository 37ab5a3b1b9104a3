"""Dublin Core: the <oai_dc:dc> element that OAI-PMH harvesters ask for first."""

from __future__ import annotations

import re

from lxml import etree

from fonds.exports import citation
from fonds.record import Record

OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC_NS = "http://purl.org/dc/elements/1.1/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = f"{OAI_DC_NS} http://www.openarchives.org/OAI/2.0/oai_dc.xsd"

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def write(record: Record) -> str:
    """Return an <oai_dc:dc> element for the record."""
    return str(etree.tostring(element(record), encoding="unicode"))


def element(record: Record) -> etree._Element:
    """The <oai_dc:dc> element itself, for embedding in an OAI-PMH response."""
    root = etree.Element(
        f"{{{OAI_DC_NS}}}dc", nsmap={"oai_dc": OAI_DC_NS, "dc": DC_NS, "xsi": XSI_NS}
    )
    root.set(f"{{{XSI_NS}}}schemaLocation", SCHEMA_LOCATION)
    _dc(root, "title", record.title)
    for name in citation.credited(record, "author"):
        _dc(root, "creator", name.inverted)
    if record.source.drafter:
        _dc(root, "creator", record.source.drafter)
    for name in citation.credited(record, "translator"):
        _dc(root, "contributor", f"{name.inverted} (translator)")
    for role, name in citation.other_credits(record):
        _dc(root, "contributor", f"{name.inverted} ({role})")
    for subject in record.subjects:
        _dc(root, "subject", subject)
    _dc(root, "description", record.summary)
    for value in dates(record):
        _dc(root, "date", value)
    _dc(root, "type", "Text")
    _dc(root, "type", record.type)
    _dc(root, "identifier", record.url)
    _dc(root, "identifier", record.id)
    _dc(root, "source", _source(record))
    for code in record.languages:
        _dc(root, "language", code)
    for collection in record.collections:
        _dc(root, "relation", collection)
    _dc(root, "coverage", record.place)
    return root


def dates(record: Record) -> list[str]:
    """`dc:date` values: the EDTF form (DCMI recommends ISO 8601 or EDTF: `1962~`, `1962-21`,
    `1962-08-14/1962-08-16`, `1962/..`; the instant for a printed time of day), then the date as
    printed when it says more than the numbers (`c. 1962`, `after 1962`, `[1962]`, `n.d.`)."""
    date = record.date
    found: list[str] = []
    if date.edtf:
        found.append(citation.date_time(date) or date.edtf if date.edtf == date.earliest else date.edtf)
    says_more = (
        not date.is_dated or date.is_approximate or date.is_uncertain or date.is_open or date.supplied
        or citation.season(date) is not None or citation.is_part_of_period(date)
    )
    if date.text and date.text.strip() and says_more:
        found.append(date.text.strip())
    return [value for value in found if value]


def _source(record: Record) -> str | None:
    """`Archive of the Foreign Policy of the Russian Federation (AVPRF), fond 0102, ...`."""
    source = record.source
    repository = source.repository or source.repository_code
    if repository and source.repository and source.repository_code:
        repository = f"{source.repository} ({source.repository_code})"
    parts = [p for p in (repository, citation.reference_text(source)) if p]
    return ", ".join(parts) or None


def _dc(parent: etree._Element, name: str, value: str | None) -> None:
    if value and value.strip():
        etree.SubElement(parent, f"{{{DC_NS}}}{name}").text = _NOT_XML.sub("\ufffd", value)
