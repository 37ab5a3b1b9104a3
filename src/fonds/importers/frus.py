"""Read FRUS TEI XML: one Record per <div type="document">, plus the volume's collections and persons.

Both the 2015 encoding of the Office of the Historian's volumes and today's
(`frus:doc-dateTime-min/max`, `type="source"` on every source note) are read.
The whole volume is parsed and built before anything is yielded, so a volume
with an error raises RecordError and yields nothing. See docs/frus.md.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import BinaryIO, Iterator

from lxml import etree

from fonds import safexml
from fonds.authority import Entity
from fonds.dates import HistoricalDate, parse_date
from fonds.identifiers import identifier_problem
from fonds.errors import Problem, RecordError
from fonds.importers.frus_source import SourceNote, original_language, read_source_note
from fonds.importers.frus_text import TextBuilder, plain
from fonds.collection import Collection
from fonds.record import Note, PageBreak, PersonLink, Edition, Record, Rendition

TEI = "http://www.tei-c.org/ns/1.0"
NS = {"tei": TEI}
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
HSG = "https://history.state.gov/historicaldocuments"
LINK_SOURCE = "encoded in FRUS"

_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:T[\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$")
_VOLUME_ID = re.compile(r"^frus[\w.-]+$")
_NUMBER_PREFIX = re.compile(r"^\s*\[?\d+[A-Za-z]?\]?\.\s*")
_TYPES = (
    "Memorandum of Conversation", "Memorandum for the Record", "Editorial Note",
    "Circular Telegram", "Telegram", "Circular Airgram", "Airgram", "Letter", "Message",
    "National Security Action Memorandum", "Action Memorandum", "Information Memorandum",
    "Intelligence Memorandum", "Draft Memorandum", "Memorandum", "Special Background Paper",
    "Paper", "Summary Minutes", "Minutes", "Summary Record", "Record", "Notes",
    "National Security Council Report", "Report", "Special National Intelligence Estimate",
    "National Intelligence Estimate", "Current Intelligence Weekly Review",
    "Intelligence Information Cable", "Intelligence Note", "Despatch", "Telephone Conversation",
    "Oral Statement", "Statement", "Transcript", "Talking Points", "Diary Entry", "Summary",
    "Highlights", "Aide-Mémoire", "Note",
)
_TYPE_END = re.compile(
    r"\s+(?:From|from|Front|to|To|of|by|By|Between|between|Prepared|on|for|at|With|with|in)\s"
    r"|\s+(?:No\.\s*)?[A-Z]?[–-]?\d[\w–/-]*"
)


def sniff(head: bytes) -> bool:
    """Whether a file's first bytes look like a FRUS TEI volume."""
    if TEI.encode() not in head or b"<TEI" not in head:
        return False
    return (
        b'type="frus"' in head
        or b"history.state.gov" in head
        or re.search(rb"<TEI\b[^>]*\sxml:id=\"frus", head) is not None
    )


def read(source: BinaryIO, *, origin: str) -> Iterator[Record | Collection | Entity]:
    """Read FRUS TEI XML: one Record per <div type="document">.

    Yields the volume's Collections (volume, compilations, chapters) first, then
    the persons list as authority Entities, then the Records.
    """
    tree = safexml.parse(source, origin)
    volume = _volume(tree.getroot(), origin, getattr(source, "name", None))
    items: list[Record | Collection | Entity] = []
    items.extend(volume.collections.values())
    items.extend(_persons(tree.getroot(), volume.id))
    documents = tree.getroot().iterfind(".//tei:div[@type='document']", NS)
    seen: set[str] = set()
    for div in documents:
        record = _record(div, volume, origin)
        if record.id in seen:
            raise RecordError(
                f"{origin}:{div.sourceline}: document id {record.id!r} occurs twice; "
                "each <div type=\"document\"> needs its own xml:id"
            )
        seen.add(record.id)
        items.append(record)
    yield from items


# -- the volume ------------------------------------------------------------------------------


@dataclass
class _Volume:
    id: str
    collections: dict[str, Collection] = field(default_factory=dict)
    edition: Edition | None = None


def _volume(root: etree._Element, origin: str, name: object) -> _Volume:
    if root.tag != f"{{{TEI}}}TEI":
        raise RecordError(
            f"{origin}:{root.sourceline}: the root element is <{etree.QName(root).localname}>, "
            "not a TEI <TEI>; this is not a FRUS volume"
        )
    volume_id = _volume_id(root)
    if volume_id is None:
        raise RecordError(
            f"{origin}:{root.sourceline}: this TEI file is not a FRUS volume: it has no "
            "<idno type=\"frus\"> in its teiHeader and no xml:id=\"frus...\" on <TEI>; "
            "fonds reads the Office of the Historian's FRUS volumes"
        )
    if root.find(".//tei:div[@type='document']", NS) is None:
        raise RecordError(
            f"{origin}:{root.sourceline}: FRUS volume {volume_id!r} has no "
            "<div type=\"document\">; there is nothing to import"
        )
    volume = _Volume(volume_id, edition=edition(root))
    title = _bibliography_title(volume_id, origin, name) or _header_title(root) or volume_id
    volume.collections[volume_id] = Collection(volume_id, title, None, "volume")
    for div in root.iterfind(".//tei:div", NS):
        kind = div.get("type")
        if kind in ("compilation", "chapter") and div.get(XML_ID):
            head = div.find("tei:head", NS)
            collection_id = f"{volume_id}-{div.get(XML_ID)}"
            title = plain(head) if head is not None else div.get(XML_ID, "")
            parent = _collection_ancestor(div, volume_id) or volume_id
            volume.collections[collection_id] = Collection(collection_id, title, parent, kind)
    return volume


def edition(root: etree._Element) -> Edition | None:
    """The volume as its teiHeader's titleStmt and publicationStmt give it (for citations)."""
    stmt = root.find("tei:teiHeader/tei:fileDesc/tei:titleStmt", NS)
    if stmt is None:
        return None
    titles = {t.get("type"): plain(t) for t in stmt.iterfind("tei:title", NS) if plain(t)}
    title = titles.get("volume") or titles.get("complete")
    if not title:
        return None
    published = root.find("tei:teiHeader/tei:fileDesc/tei:publicationStmt", NS)

    def published_text(tag: str) -> str | None:
        found = published.find(f"tei:{tag}", NS) if published is not None else None
        return (plain(found) or None) if found is not None else None

    return Edition(
        title=title,
        series=titles.get("series"),
        subseries=titles.get("subseries"),
        volume=titles.get("volumenumber"),
        editors=tuple(plain(e) for e in stmt.iterfind("tei:editor[@role='primary']", NS) if plain(e)),
        publisher=published_text("publisher"),
        place=published_text("pubPlace"),
        year=published_text("date"),
    )


def _volume_id(root: etree._Element) -> str | None:
    for idno in root.iterfind("tei:teiHeader//tei:idno[@type='frus']", NS):
        text = (idno.text or "").strip()
        if _VOLUME_ID.match(text):
            return text
    xml_id = root.get(XML_ID, "")
    return xml_id if _VOLUME_ID.match(xml_id) else None


def _bibliography_title(volume_id: str, origin: str, name: object) -> str | None:
    """The volume's title from bibliography/<id>.xml beside the volume or one folder up."""
    for base in {Path(str(name)).parent if isinstance(name, str) else None, Path(origin).parent}:
        if base is None:
            continue
        for folder in (base, base.parent):
            path = folder / "bibliography" / f"{volume_id}.xml"
            if path.is_file():
                with path.open("rb") as file:
                    root = safexml.parse(file, str(path)).getroot()
                title = root.find("title[@type='complete']")
                if title is not None and plain(title):
                    return plain(title)
    return None


def _header_title(root: etree._Element) -> str | None:
    stmt = root.find("tei:teiHeader/tei:fileDesc/tei:titleStmt", NS)
    if stmt is None:
        return None
    title = stmt.find("tei:title[@type='complete']", NS)
    if title is None:
        title = stmt.find("tei:title", NS)
    return plain(title) if title is not None else None


def _collection_ancestor(div: etree._Element, volume_id: str) -> str | None:
    for ancestor in div.iterancestors(f"{{{TEI}}}div"):
        if ancestor.get("type") in ("compilation", "chapter") and ancestor.get(XML_ID):
            return f"{volume_id}-{ancestor.get(XML_ID)}"
    return None


def _persons(root: etree._Element, volume_id: str) -> list[Entity]:
    """The volume's persons list as authority entries: name and description as printed."""
    entities: list[Entity] = []
    for div in root.iterfind(".//tei:div", NS):
        if div.get(XML_ID) != "persons":
            continue
        for item in div.iterfind(".//tei:item", NS):
            name = item.find(".//tei:persName[@{http://www.w3.org/XML/1998/namespace}id]", NS)
            if name is None:
                continue
            xml_id = name.get(XML_ID, "")
            printed = plain(name)
            description = plain(item)[len(printed):].lstrip(" ,;:") if plain(item).startswith(
                printed
            ) else plain(item)
            entities.append(
                Entity(
                    id=person_id(volume_id, xml_id),
                    preferred=printed,
                    description=description or None,
                    sources=(persons_url(volume_id, xml_id),),
                )
            )
    return entities


def person_id(volume_id: str, xml_id: str) -> str:
    """The authority id of a volume persons-list entry: `frus:<volume>#<xml:id>`."""
    return f"frus:{volume_id}#{xml_id}"


def persons_url(volume_id: str, xml_id: str) -> str:
    """The Office of the Historian's address of a persons-list entry (hsg-people's source-url)."""
    return f"{HSG}/{volume_id}/persons#{xml_id}"


# -- one document ----------------------------------------------------------------------------


def _record(div: etree._Element, volume: _Volume, origin: str) -> Record:
    where = f"{origin}:{div.sourceline}"
    number = div.get("n")
    warnings: list[Problem] = []
    xml_id = div.get(XML_ID)
    head = div.find("tei:head", NS)
    if not xml_id and not number and head is not None:
        # "3. Telegram From ...": FRUS heads begin with the document number
        printed = re.match(r"\s*(\d{1,5}[A-Z]?)\.\s", plain(head))
        if printed:
            number = printed.group(1)
            warnings.append(Problem(where, f"document {number} has no @n; its number was read from its <head>: add n=\"{number}\" to the volume"))
    if xml_id and identifier_problem(f"{volume.id}-{xml_id}") is not None:
        problem = identifier_problem(f"{volume.id}-{xml_id}")
        if not number or not re.fullmatch(r"[\w.-]{1,20}", number):
            raise RecordError(
                f"{where}: document xml:id {xml_id[:40]!r} cannot be a record id ({problem}) and the "
                "document has no number (@n) to fall back on; give it an xml:id such as \"d12\""
            )
        warnings.append(Problem(where, f"document {number}'s xml:id {xml_id[:40]!r} cannot be a record id ({problem}); stored as 'd{number}' from its number: correct the xml:id in the volume"))
        xml_id = f"d{number}"
    if not xml_id:
        if not number or not re.fullmatch(r"[\w.-]{1,20}", number):
            raise RecordError(
                f"{where}: <div type=\"document\"> has no xml:id and no document number (@n); "
                "give each document an xml:id such as \"d12\""
            )
        xml_id = f"d{number}"  # the Office of the Historian's own pattern: document 12 is d12
        warnings.append(Problem(where, f"document {number} has no xml:id; stored as {xml_id!r} from its number: add xml:id=\"{xml_id}\" to the volume"))
    title = _title(head, number)
    if not title:
        # Archival practice (DACS 2.3.18, ISAD(G) 3.1.2): a devised title, in square brackets.
        title = f"[Untitled document {number or xml_id}]"
        warnings.append(Problem(
            f"{origin}:{head.sourceline if head is not None else div.sourceline}",
            f"document {xml_id} has {'an empty <head>' if head is not None else 'no <head>'}; "
            f"stored with the devised title {title!r}: add its title to the volume",
        ))
    source_element = _source_note(div)
    source = read_source_note(plain(source_element) if source_element is not None else None)
    text = TextBuilder()
    text.walk(div, skip={head, source_element})
    notes = [
        Note(n=note.get("n") or "", text=plain(note), offset=0)
        for note in (head.iterfind(".//tei:note", NS) if head is not None else ())
        if note is not source_element
    ]
    pages = text.pages
    start_page = _start_page(div)
    if start_page is not None and not any(page.offset == 0 for page in pages):
        pages = [PageBreak(start_page, 0), *pages]
    original = original_language(source, _place(div))
    rendition = Rendition(
        kind="translation" if source.is_translation else "original",
        language="en",
        text=text.value,
        notes=tuple(notes + text.notes),
        pages=tuple(pages),
    )
    return Record(
        id=f"{volume.id}-{xml_id}",
        title=title,
        type=document_type(title),
        date=_date(div, where, warnings),
        original_languages=(original,) if original else (),
        source=source.source,
        collections=(volume.id, *_collections(div, volume.id)),
        url=f"{HSG}/{volume.id}/{xml_id}",
        number=number,
        chapter=_chapter(div),
        place=_place(div),
        subjects=_items(div, "subject"),
        participants=_items(div, "participants"),
        renditions=(rendition,),
        persons=_person_links(div, volume.id),
        origin=f"{origin}#{xml_id}",
        warnings=tuple(warnings),
        edition=volume.edition,
    )


def _chapter(div: etree._Element) -> str | None:
    """The title (head) of the chapter or compilation the document stands in, nearest first."""
    for ancestor in div.iterancestors(f"{{{TEI}}}div"):
        if ancestor.get("type") in ("compilation", "chapter", "subchapter"):
            head = ancestor.find("tei:head", NS)
            title = plain(head, skip_notes=True) if head is not None else ""
            if title:
                return title
    return None


def _title(head: etree._Element | None, number: str | None) -> str:
    if head is None:
        return ""
    title = plain(head, skip_notes=True)
    return _NUMBER_PREFIX.sub("", title, count=1) if number else title


def document_type(title: str) -> str:
    """The kind of document, from its FRUS title ("Telegram From the Embassy..." → Telegram)."""
    lowered = title.lower()
    for known in _TYPES:
        if lowered.startswith(known.lower()):
            return known
    prefix = _TYPE_END.split(title, maxsplit=1)[0].strip(" .:;,") or title
    for known in _TYPES:
        if prefix.lower().endswith(known.lower()):
            return known
    return prefix


def _source_note(div: etree._Element) -> etree._Element | None:
    """`note[@type="source"]`, or (2015 encoding) the first note if its text starts "Source:"."""
    for note in div.iterfind(".//tei:note", NS):
        if note.get("type") == "source":
            return note
    first = div.find(".//tei:note", NS)
    if first is not None and plain(first).lstrip("[").lower().startswith("source"):
        return first
    return None


def _start_page(div: etree._Element) -> str | None:
    """The page the document starts on: the last page break before it."""
    found = div.xpath("preceding::tei:pb[1]/@n", namespaces=NS)
    return str(found[0]) if found else None


def _collections(div: etree._Element, volume_id: str) -> tuple[str, ...]:
    found = [
        f"{volume_id}-{ancestor.get(XML_ID)}"
        for ancestor in div.iterancestors(f"{{{TEI}}}div")
        if ancestor.get("type") in ("compilation", "chapter") and ancestor.get(XML_ID)
    ]
    return tuple(reversed(found))


def _place(div: etree._Element) -> str | None:
    place = div.find("tei:dateline//tei:placeName", NS)
    if place is None:
        place = div.find("tei:opener/tei:dateline//tei:placeName", NS)
    return plain(place) or None if place is not None else None


def _items(div: etree._Element, kind: str) -> tuple[str, ...]:
    return tuple(
        plain(item)
        for found in div.iterfind(f".//tei:list[@type='{kind}']", NS)
        for item in found.iterfind("tei:item", NS)
        if plain(item)
    )


_NAME_ROLES = {"from": "author", "to": "recipient"}


def _person_links(div: etree._Element, volume_id: str) -> tuple[PersonLink, ...]:
    """One link per person and role: `persName type="from"` → author, `type="to"` → recipient,
    in the participants list → participant; "mentioned" only for a person with no other role."""
    links: dict[tuple[str, str], PersonLink] = {}
    for name in div.iterfind(".//tei:persName[@corresp]", NS):
        for target in (name.get("corresp") or "").split():
            if not target.startswith("#") or len(target) < 2:
                continue
            entity = person_id(volume_id, target[1:])
            in_list = any(
                ancestor.get("type") == "participants"
                for ancestor in name.iterancestors(f"{{{TEI}}}list")
            )
            role = _NAME_ROLES.get(name.get("type") or "") or ("participant" if in_list else "mentioned")
            links.setdefault((entity, role), PersonLink(entity, plain(name), role, LINK_SOURCE))
    with_role = {entity for entity, role in links if role != "mentioned"}
    return tuple(link for (entity, role), link in links.items() if role != "mentioned" or entity not in with_role)


# -- dates -----------------------------------------------------------------------------------


def _date(div: etree._Element, where: str, warnings: list[Problem]) -> HistoricalDate:
    """The dateline's date as FRUS encodes it; else the bounds FRUS gives the document; else undated.

    An encoded date that is no ISO date (`when="1961-02-30"`) is a warning: the date is then read
    from the printed text, or kept as printed without bounds."""
    try:
        return _encoded_date(div, where)
    except RecordError as error:
        origin, _, message = str(error).partition(": ")
        printed = " ".join(plain(element) for element in div.xpath(
            "tei:dateline//tei:date | tei:opener/tei:dateline//tei:date", namespaces=NS)).strip() or None
        try:
            fallback = parse_date(printed) if printed else HistoricalDate.undated()
        except RecordError:
            fallback = HistoricalDate(text=printed)
        kept = "read from the printed date" if fallback.is_dated else "kept as printed, undated"
        warnings.append(Problem(origin, f"{message.split('; use ')[0]}; the date is {kept}: correct the encoding"))
        return fallback


def _encoded_date(div: etree._Element, where: str) -> HistoricalDate:
    printed: str | None = None
    for element in div.xpath("tei:dateline//tei:date | tei:opener/tei:dateline//tei:date", namespaces=NS):
        text = plain(element) or None
        attributes = {key: element.get(key) for key in ("when", "from", "to", "notBefore", "notAfter")}
        if attributes["when"]:
            return _bounded(text, attributes["when"], attributes["when"], where, element)
        low = attributes["from"] or attributes["notBefore"]
        high = attributes["to"] or attributes["notAfter"]
        if low and high:
            return _bounded(text, low, high, where, element)
        if text and printed is None:
            printed = text
    low, high = _attribute(div, "doc-dateTime-min"), _attribute(div, "doc-dateTime-max")
    if low and high:
        return _bounded(printed, low, high, where, div)
    if printed:
        try:
            return parse_date(printed)
        except RecordError:
            return HistoricalDate.undated()  # a <date> without a date in it ("Washington")
    return HistoricalDate.undated()


def _bounded(text: str | None, low: str, high: str, where: str, element: etree._Element) -> HistoricalDate:
    try:
        earliest = _iso_bounds(low)[0]
        latest = _iso_bounds(high)[1]
        if low == high and "T" in low:
            return HistoricalDate.at(text, low.strip())  # keeps the time of day
        if low == high:
            edtf = low.strip()[:10]
            return HistoricalDate(text=text, edtf=edtf, earliest=earliest, latest=latest)
        return HistoricalDate.between(text, earliest, latest)
    except (ValueError, RecordError) as error:
        raise RecordError(
            f"{where.rsplit(':', 1)[0]}:{element.sourceline}: date {low!r}/{high!r} "
            f"({text!r}) is not an ISO date range FRUS would encode ({error}); "
            "use when=\"YYYY-MM-DD\" or from/to, notBefore/notAfter"
        ) from None


def _iso_bounds(value: str) -> tuple[str, str]:
    """First and last day of an ISO date or dateTime (`1962`, `1962-08`, `1962-08-14T10:00`)."""
    found = _ISO_DATE.match(value.strip())
    if not found:
        raise ValueError(f"{value!r} is not an ISO date")
    year, month, day = (int(part) if part else None for part in found.groups())
    assert year is not None
    if month is None:
        return f"{year:04d}-01-01", f"{year:04d}-12-31"
    if day is None:
        last = calendar.monthrange(year, month)[1]
        return date(year, month, 1).isoformat(), date(year, month, last).isoformat()
    return (date(year, month, day).isoformat(),) * 2


def _attribute(element: etree._Element, localname: str) -> str | None:
    """An attribute by local name in any namespace (the frus: namespace URI changed over time)."""
    for key, value in element.attrib.items():
        if etree.QName(key).localname == localname:
            return str(value)
    return None


__all__ = ["SourceNote", "document_type", "person_id", "persons_url", "read", "read_source_note", "sniff"]
