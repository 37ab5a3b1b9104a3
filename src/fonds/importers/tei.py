"""fonds' own TEI back in: a `fonds export --format tei` document or a `fonds dump --format tei`
corpus.

A dump carries each record whole in `<note type="fonds-record">` (and the archive's collections
and authority entries in the corpus header), so it reads back losslessly; a title or summary
edited in the TEI itself wins over the carried copy. A single exported document without that
note is read from its TEI elements: the id (`idno type="fonds"`), title, credits (`respStmt`),
collections (`seriesStmt`), repository and reference (`msIdentifier`), summary, date
(`origDate` with `@when` or `@notBefore`/`@notAfter`), languages, type and subjects
(`keywords`) and each rendition's text (`body/div`); its persons are linked again from the text
(the `listPerson` ids belong to the archive that exported it).
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any, BinaryIO, Iterator

from lxml import etree

from fonds.authority import Entity
from fonds.dates import HistoricalDate, parse_date
from fonds.errors import Problem, RecordError
from fonds.collection import Collection
from fonds.record import Credit, Record, Rendition, Source
from fonds.safexml import parse

TEI = "http://www.tei-c.org/ns/1.0"
NS = {"t": TEI}
_OURS = re.compile(rb'<idno\s+type="fonds"|type="fonds-record"|<distributor>fonds</distributor>')


def sniff(head: bytes) -> bool:
    """Whether the file is a TEI document or corpus that fonds wrote."""
    return (b"<TEI" in head or b"<teiCorpus" in head) and TEI.encode() in head and _OURS.search(head) is not None


def read(source: BinaryIO, *, origin: str) -> Iterator[Record | Collection | Entity | Problem]:
    """Read fonds' TEI. Raises RecordError for XML that is not well-formed or holds no TEI document."""
    root = parse(source, origin).getroot()
    documents = [root] if root.tag == f"{{{TEI}}}TEI" else root.findall("t:TEI", NS)
    if not documents:
        raise RecordError(f"{origin}:{root.sourceline}: no <TEI> document in the file; give a fonds TEI export or dump")
    for note in root.findall("t:teiHeader/t:fileDesc/t:notesStmt/t:note", NS):
        kind = note.get("type")
        if kind in ("fonds-collection", "fonds-entity"):
            data = _json(note, origin)
            try:
                yield Collection.from_dict(data) if kind == "fonds-collection" else Entity.from_dict(data)
            except (TypeError, KeyError, ValueError, AttributeError) as error:
                raise RecordError(f"{origin}:{note.sourceline}: the {kind} note does not fit its shape ({error})") from None
    for document in documents:
        yield _record(document, origin)


def _json(note: etree._Element, origin: str) -> Any:
    try:
        return json.loads(note.text or "")
    except ValueError as error:
        raise RecordError(f"{origin}:{note.sourceline}: the <note type={note.get('type')!r}> is not valid JSON ({error})") from None


def _text(element: etree._Element | None) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def _record(document: etree._Element, origin: str) -> Record:
    where = f"{origin}:{document.sourceline}"
    file_desc = document.find("t:teiHeader/t:fileDesc", NS)
    if file_desc is None:
        raise RecordError(f"{where}: the TEI document has no teiHeader/fileDesc; it is not one fonds wrote")
    title = _text(file_desc.find("t:titleStmt/t:title", NS))
    summary = _text(file_desc.find(".//t:msContents/t:summary", NS)) or None
    carried = next((n for n in file_desc.findall("t:notesStmt/t:note", NS) if n.get("type") == "fonds-record"), None)
    if carried is not None:
        try:
            record = Record.from_dict(_json(carried, origin))
        except (TypeError, KeyError, ValueError, AttributeError) as error:
            raise RecordError(f"{origin}:{carried.sourceline}: the carried record does not fit the Record shape ({error})") from None
        edits: dict[str, Any] = {}
        if title and title != " ".join(record.title.split()):
            edits["title"] = title
        if summary is not None and summary != " ".join((record.summary or "").split()):
            edits["summary"] = summary
        return replace(record, **edits) if edits else record
    identifier = _text(file_desc.find("t:publicationStmt/t:idno[@type='fonds']", NS))
    if not identifier:
        raise RecordError(f'{where}: the document has no <idno type="fonds">; fonds cannot tell which record it is')
    if not title:
        raise RecordError(f"{where}: the document has no title in titleStmt; add one")
    profile = document.find("t:teiHeader/t:profileDesc", NS)
    return Record(
        id=identifier,
        title=title,
        type=_text(profile.find(".//t:term[@type='genre']", NS)) or None if profile is not None else None,
        date=_date(file_desc.find(".//t:origDate", NS)),
        summary=summary,
        original_languages=_languages(file_desc),
        source=Source(
            citation=_text(next((n for n in file_desc.findall("t:notesStmt/t:note", NS) if n.get("type") == "citation"), None)) or None,
            repository=_text(file_desc.find(".//t:msIdentifier/t:repository", NS)) or None,
            reference=_reference(file_desc),
        ),
        credits=tuple(
            Credit(role=_text(r.find("t:resp", NS)), name=_text(r.find("t:name", NS)))
            for r in file_desc.findall("t:titleStmt/t:respStmt", NS)
        ),
        collections=tuple(_text(i) for i in file_desc.findall("t:seriesStmt/t:idno[@type='collection']", NS)),
        url=_text(file_desc.find("t:publicationStmt/t:idno[@type='URI']", NS)) or None,
        place=_text(file_desc.find(".//t:origPlace", NS)) or None,
        subjects=tuple(_text(t) for t in profile.findall(".//t:term[@type='subject']", NS)) if profile is not None else (),
        renditions=tuple(_rendition(div) for div in document.findall("t:text/t:body/t:div", NS)),
        # listPerson's xml:ids are the exporting archive's, not authority ids this archive holds:
        # the persons are linked again from the text by fonds' linker when the record is ingested.
        persons=(),
        origin=where,
    )


def _date(node: etree._Element | None) -> HistoricalDate:
    if node is None:
        return HistoricalDate.undated()
    text = _text(node) or None
    when, before, after = node.get("when"), node.get("notBefore"), node.get("notAfter")
    if when:
        try:
            return replace(parse_date(when), text=text)
        except RecordError:
            pass
    if before and after:
        return HistoricalDate.between(text, before, after)
    try:
        return parse_date(text)
    except RecordError:
        return HistoricalDate.undated(text)


def _languages(file_desc: etree._Element) -> tuple[str, ...]:
    lang = file_desc.find(".//t:msContents/t:textLang", NS)
    if lang is None:
        return ()
    return tuple(code for code in [lang.get("mainLang") or "", *(lang.get("otherLangs") or "").split()] if code)


def _reference(file_desc: etree._Element) -> dict[str, str]:
    idnos = file_desc.findall(".//t:msIdentifier/t:idno", NS)
    parts = {i.get("type") or "text": _text(i) for i in idnos if _text(i)}
    if "reference" in parts:
        return {"text": parts["reference"]}
    return parts


def _rendition(div: etree._Element) -> Rendition:
    paragraphs = ["".join(p.itertext()).strip() for p in div.findall("t:p", NS)]
    return Rendition(
        kind=div.get("type") or "translation",
        language=div.get("{http://www.w3.org/XML/1998/namespace}lang"),
        text="\n\n".join(p for p in paragraphs if p),
    )
