"""The TEI P5 header of a record: what the archive knows about the document, in <teiHeader>.

Title, translators, the fonds id and URL, collections, the citation, the repository and
reference (msDesc/msIdentifier), languages, summary, the date as printed with its normalized
form (att.datable.w3c), keywords and the persons linked. `fonds.exports.tei` puts it in front of
the facsimile and the text.
"""

from __future__ import annotations

from lxml import etree

from fonds.exports import citation
from fonds.exports.tei_xml import XML_ID, append_text, attribute_token, el, safe_text
from fonds.record import Record


def header(record: Record, people: dict[str, str]) -> etree._Element:
    """The record's <teiHeader>: the fileDesc (title and translators' respStmt, the fonds id and URL,
    the collections as a seriesStmt, the citation note, the msDesc of the source) and the
    profileDesc (creation date, langUsage, genre and subject keywords, the listPerson of linked
    persons). `people` gives each linked person's xml:id (person id -> xml:id), as the body's
    persName/@ref points at them."""
    header = el(None, "teiHeader")
    file_desc = el(header, "fileDesc")
    title_stmt = el(file_desc, "titleStmt")
    el(title_stmt, "title", record.title)
    for credit in record.credits:
        resp_stmt = el(title_stmt, "respStmt")
        el(resp_stmt, "resp", credit.role)
        el(resp_stmt, "name", credit.name)
    publication = el(file_desc, "publicationStmt")
    el(publication, "distributor", "fonds")
    el(publication, "idno", record.id, type="fonds")
    if record.url:
        el(publication, "idno", record.url, type="URI")
    if record.collections:  # one seriesStmt: titles first, then their ids
        series = el(file_desc, "seriesStmt")
        for collection in record.collections:
            el(series, "title", collection)
        for collection in record.collections:
            el(series, "idno", collection, type="collection")
    if record.source.citation:
        notes = el(file_desc, "notesStmt")
        el(notes, "note", record.source.citation, type="citation")
    source_desc = el(file_desc, "sourceDesc")
    source_desc.append(_manuscript(record))
    header.append(_profile(record, people))
    return header


def _manuscript(record: Record) -> etree._Element:
    source = record.source
    ms_desc = el(None, "msDesc")
    identifier = el(ms_desc, "msIdentifier")
    place = citation.archive_place(source)
    if place:
        el(identifier, "settlement", place)
    if source.repository or source.repository_code:
        repository = el(identifier, "repository", source.repository or source.repository_code)
        if source.repository and source.repository_code:
            repository.set("key", source.repository_code)
    reference = {k: v for k, v in source.reference.items() if v}
    if reference:
        _reference_idno(identifier, reference)
    if not len(identifier):
        el(identifier, "msName", record.title)
    contents = el(ms_desc, "msContents")
    if record.summary:
        el(contents, "summary", record.summary)
    originals = [c for c in record.original_languages if citation.is_language_tag(c)]
    if originals:
        names = ", ".join(citation.language_name(c) or c for c in originals)
        text_lang = el(contents, "textLang", names, mainLang=originals[0])
        if len(originals) > 1:
            text_lang.set("otherLangs", " ".join(originals[1:]))
    if record.date.text or record.date.is_dated or record.place:
        origin = el(el(ms_desc, "history"), "origin")
        if record.date.text or record.date.is_dated:
            _date(origin, record, "origDate")
        if record.place:
            el(origin, "origPlace", record.place)
    if not len(contents):
        ms_desc.remove(contents)
    return ms_desc


def _reference_idno(parent: etree._Element, reference: dict[str, str]) -> None:
    """`<idno type="reference">fond <idno type="fond">0102</idno>, opis ...</idno>`."""
    outer = el(parent, "idno", type="reference")
    if set(reference) == {"text"}:
        outer.text = safe_text(reference["text"])
        return
    for number, (key, value) in enumerate(reference.items()):
        if key == "text":
            continue
        append_text(outer, (", " if number else "") + f"{key} ")
        el(outer, "idno", value, type=attribute_token(key))


def _profile(record: Record, people: dict[str, str]) -> etree._Element:
    profile = el(None, "profileDesc")
    if record.date.text or record.date.is_dated:
        _date(el(profile, "creation"), record, "date")
    languages = [c for c in record.languages if citation.is_language_tag(c)]
    if languages:
        usage = el(profile, "langUsage")
        for code in languages:
            el(usage, "language", citation.language_name(code) or code, ident=code)
    if record.type or record.subjects:
        keywords = el(el(profile, "textClass"), "keywords")
        if record.type:
            el(keywords, "term", record.type, type="genre")
        for subject in record.subjects:
            el(keywords, "term", subject, type="subject")
    if record.persons:
        people_list = el(el(profile, "particDesc"), "listPerson")
        seen: set[str] = set()
        for person in record.persons:
            if person.id in seen:
                continue
            seen.add(person.id)
            entry = el(people_list, "person", role=attribute_token(person.role))
            entry.set(XML_ID, people[person.id])
            el(entry, "persName", person.name)
    return profile


def _date(parent: etree._Element, record: Record, tag: str) -> None:
    """The date as printed, with its normalized form (TEI att.datable.w3c):

    - `@when` for one day, month or year (`1962-08-14`, `1962-08`, `1962`), with the time of day
      when one was printed (`1968-01-23T21:21:00Z`);
    - `@notBefore`/`@notAfter` for a range, a season or an approximate date, one of them for an
      open date (`after 1962`: `@notBefore` only);
    - `@cert`: `medium` for an approximate date, `low` for an uncertain one (`1962?`);
    - `@evidence="conjecture"` for a date the cataloguer supplied (`[1962]`).
    """
    date = record.date
    node = el(parent, tag, date.text or citation.iso_date(date) or "")
    if date.supplied:
        node.set("evidence", "conjecture")
    if not date.is_dated:
        return
    single = citation.iso_date(date)
    plain = single and "/" not in single and not date.is_approximate and not date.is_open
    if plain and citation.season(date) is None:
        node.set("when", citation.date_time(date) if date.time else single)
    else:
        if date.earliest:
            node.set("notBefore", date.earliest)
        if date.latest:
            node.set("notAfter", date.latest)
    if date.is_uncertain:
        node.set("cert", "low")
    elif date.is_approximate:
        node.set("cert", "medium")
