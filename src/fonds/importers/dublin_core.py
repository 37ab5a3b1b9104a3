"""Dublin Core XML: `oai_dc:dc` records, simple DC records in any container, and OAI-PMH
responses holding them.

Each `dc` element is one record: `dc:title` (a missing one gets a devised title and a warning),
`dc:identifier` (the first that is not a URL, else the first URL, made an id: `hdl:1765/308`
becomes `hdl:1765:308`; a URL is kept as the record's `url`), `dc:date` (the first; one fonds
cannot read is kept as printed with a warning), `dc:creator` (authors), `dc:contributor`,
`dc:subject`, `dc:description` (the summary), `dc:language`, `dc:type`, `dc:publisher`
(the repository), `dc:source` (the citation), `dc:coverage` (the place). In an OAI-PMH
response the header's identifier is the id, and a deleted header yields nothing.
"""

from __future__ import annotations

import re
from typing import BinaryIO, Iterator

from lxml import etree

from fonds.dates import HistoricalDate, parse_date
from fonds.errors import Problem, RecordError
from fonds.identifiers import identifier_problem
from fonds.importers.language_names import language_codes
from fonds.record import Credit, Record, Source
from fonds.safexml import parse

DC = "http://purl.org/dc/elements/1.1/"
DCTERMS = "http://purl.org/dc/terms/"
OAI = "http://www.openarchives.org/OAI/2.0/"
_URL = re.compile(r"^https?://", re.I)


def sniff(head: bytes) -> bool:
    """Whether the file holds Dublin Core elements (and is XML)."""
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<") and (DC.encode() in head or DCTERMS.encode() in head)


def read(source: BinaryIO, *, origin: str) -> Iterator[Record | Problem]:
    """Read Dublin Core records. Raises RecordError for XML that is not well-formed or has no DC record."""
    root = parse(source, origin).getroot()
    found = 0
    oai_records = root.findall(f".//{{{OAI}}}record")
    if oai_records:
        for node in oai_records:
            header = node.find(f"{{{OAI}}}header")
            if header is None or header.get("status") == "deleted":
                continue
            dc = _dc_element(node)
            if dc is not None:
                found += 1
                yield from record_from_dc(dc, origin, header.findtext(f"{{{OAI}}}identifier"))
    else:
        for dc in _dc_containers(root):
            found += 1
            yield from record_from_dc(dc, origin, None)
    if not found:
        raise RecordError(f"{origin}:{root.sourceline}: no Dublin Core record in the file (no element holding dc:title or dc:identifier)")


def _dc_element(record: etree._Element) -> etree._Element | None:
    metadata = record.find(f"{{{OAI}}}metadata")
    if metadata is None:
        return None
    return next(iter(_dc_containers(metadata)), None)


def _dc_containers(root: etree._Element) -> list[etree._Element]:
    """The elements whose children are DC elements (each is one record), outermost first."""
    containers: list[etree._Element] = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if any(isinstance(c.tag, str) and etree.QName(c).namespace in (DC, DCTERMS) for c in element):
            if not any(element in c.iterancestors() or c is element for c in containers):
                containers.append(element)
    return containers


def _values(dc: etree._Element, name: str) -> list[str]:
    values = []
    for child in dc:
        if isinstance(child.tag, str) and etree.QName(child).namespace in (DC, DCTERMS) and etree.QName(child).localname == name:
            text = " ".join("".join(child.itertext()).split())
            if text and text not in values:
                values.append(text)
    return values


def identifier_from(value: str) -> str:
    """An id from a DC or OAI identifier: the scheme of a URL dropped, `/` made `:`, spaces `-`."""
    text = _URL.sub("", value.strip()).removeprefix("www.")
    return re.sub(r"\s+", "-", text.replace("/", ":")).strip(":")


def record_from_dc(dc: etree._Element, origin: str, header_id: str | None, *, id_prefix: str = "") -> Iterator[Record | Problem]:
    """The Record of one DC element (and warnings). `header_id` (an OAI header identifier) wins
    over `dc:identifier`; `id_prefix` namespaces the id (a harvested repository's)."""
    where = f"{origin}:{dc.sourceline}"
    identifiers = _values(dc, "identifier")
    urls = [i for i in identifiers if _URL.match(i)]
    others = [i for i in identifiers if not _URL.match(i)]
    raw = header_id or (others[0] if others else urls[0] if urls else "")
    if not raw:
        raise RecordError(f"{where}: the record has no dc:identifier; fonds needs one to know the record again")
    identifier = id_prefix + identifier_from(raw)
    problem = identifier_problem(identifier)
    if problem:
        raise RecordError(f"{where}: the identifier {raw[:80]!r} cannot be a record id: {problem}")
    warnings: list[Problem] = []
    titles = _values(dc, "title")
    title = titles[0] if titles else f"[Untitled record {identifier}]"
    if not titles:
        warnings.append(Problem(where, f"no dc:title; stored with the devised title {title}"))
    dates = _values(dc, "date") + _values(dc, "created") + _values(dc, "issued")
    date = HistoricalDate.undated()
    if dates:
        try:
            date = parse_date(dates[0][:10] if re.match(r"^\d{4}-\d{2}-\d{2}T", dates[0]) else dates[0])
        except RecordError:
            date = HistoricalDate.undated(dates[0])
            warnings.append(Problem(where, f"dc:date {dates[0]!r} is kept as printed but not understood"))
        if date.text != dates[0] and date.is_dated:
            date = HistoricalDate(dates[0], date.edtf, date.earliest, date.latest)
    languages, _ = language_codes("|".join(_values(dc, "language")))
    record = Record(
        id=identifier,
        title=title,
        type=next((t for t in _values(dc, "type") if ":" not in t), None) or next(iter(_values(dc, "type")), None),
        date=date,
        summary="\n\n".join(_values(dc, "description") + _values(dc, "abstract")) or None,
        original_languages=languages,
        source=Source(citation="; ".join(_values(dc, "source")) or None, repository=next(iter(_values(dc, "publisher")), None)),
        credits=tuple(
            [Credit(role="author", name=n) for n in _values(dc, "creator")]
            + [Credit(role="contributor", name=n) for n in _values(dc, "contributor")]
        ),
        url=urls[0] if urls else None,
        place="; ".join(_values(dc, "coverage") + _values(dc, "spatial")) or None,
        subjects=tuple(_values(dc, "subject")),
        origin=where,
    )
    yield record.with_warnings(*warnings)
