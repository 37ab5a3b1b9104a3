"""A collection and everything under it as an EAD finding aid: EAD 2002 or EAD3.

The collection is the `archdesc`; its sub-collections are nested `c` components (`@level` from
the collection's kind: fonds, series, subseries, file...; any other kind is `otherlevel`), in
their order; each record is a component at level `item` in the deepest of its collections that
the tree holds. Each `did` carries `unittitle`, `unitid`, `unitdate` (with `@normal` from the
bounds), `physdesc`, `origination`, `langmaterial` (ISO 639-2b codes), `repository` and `dao`
links; `scopecontent` the summary; `controlaccess` the persons, places and subjects of a record.
Both validate against the schemas (ead2002.rng, ead3.rng).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Iterable

from lxml import etree

from fonds.containment import Failures
from fonds.dates import HistoricalDate
from fonds.errors import ExportError, NotFound
from fonds.exports.tei_xml import clean_text, name_token
from fonds.importers.language_names import ISO639_2
from fonds.collection import Collection
from fonds.record import Record, format_reference
from fonds.store.base import Store

EAD2002 = "urn:isbn:1-931666-22-9"
EAD3 = "http://ead3.archivists.org/schema/"
XLINK = "http://www.w3.org/1999/xlink"
VERSIONS = ("ead", "ead3")  # "ead" is EAD 2002
LEVELS = frozenset({"class", "collection", "file", "fonds", "item", "otherlevel", "recordgrp", "series", "subfonds", "subgrp", "subseries"})
# ISO 639-1 -> ISO 639-2/B (the bibliographic code EAD's langcode uses), first code listed wins.
_ISO639_2B: dict[str, str] = {}
for _three, _two in ISO639_2.items():
    _ISO639_2B.setdefault(_two, _three)


def write_collection(store: Store, collection_id: str, version: str = "ead", failures: Failures | None = None) -> str:
    """The collection `collection_id` with its sub-collections and records as an EAD document
    (`version` "ead" for EAD 2002, "ead3" for EAD3). Raises NotFound for an unknown collection.
    A record that cannot be written is left out whole and added to `failures` (fonds.containment)."""
    if version not in VERSIONS:
        raise ExportError(f"EAD version {version!r} is not one fonds writes; use ead (EAD 2002) or ead3")
    collections = {c.id: c for c in store.collections()}
    top = collections.get(collection_id)
    if top is None:
        raise NotFound(f"there is no collection {collection_id!r} in this archive; `fonds stats` and Browse list the collections")
    tree = _subtree(top, collections)
    records = _records(store, top.id, tree)
    return finding_aid(top, tree, records, version, failures)


def _subtree(top: Collection, collections: dict[str, Collection]) -> dict[str | None, list[Collection]]:
    children: dict[str | None, list[Collection]] = {}
    for collection in collections.values():
        children.setdefault(collection.parent, []).append(collection)
    tree: dict[str | None, list[Collection]] = {}
    stack, seen = [top], {top.id}
    while stack:
        node = stack.pop()
        below = sorted((c for c in children.get(node.id, []) if c.id not in seen), key=lambda c: (c.order, c.id))
        tree[node.id] = below
        seen.update(c.id for c in below)
        stack.extend(below)
    return tree


def _records(store: Store, top: str, tree: dict[str | None, list[Collection]]) -> dict[str, list[Record]]:
    """Records by the deepest collection of the tree that holds them."""
    depth: dict[str, int] = {top: 0}
    for parent, below in tree.items():
        for child in below:
            depth[child.id] = depth.get(str(parent), 0) + 1
    placed: dict[str, list[Record]] = {}
    after = ""
    while True:
        page = store.list_stored(after_id=after, collection=top, limit=500, include_deleted=False)
        if not page:
            break
        for stored in page:
            if stored.record is None:
                continue
            homes = [c for c in stored.record.collections if c in depth]
            if homes:
                placed.setdefault(max(homes, key=lambda c: depth[c]), []).append(stored.record)
        after = page[-1].id
    return placed


def finding_aid(top: Collection, tree: dict[str | None, list[Collection]], records: dict[str, list[Record]],
                version: str = "ead", failures: Failures | None = None) -> str:
    """The EAD document of a collection tree (as `write_collection` gathers it); a record that
    cannot be written is left out whole and added to `failures` (logged in any case)."""
    writer = _Writer(EAD3 if version == "ead3" else EAD2002, failures)
    root = writer.element(None, "ead")
    writer.header(root, top)
    archdesc = writer.element(root, "archdesc", level=_level(top.kind))
    if _level(top.kind) == "otherlevel":
        archdesc.set("otherlevel", name_token(top.kind))
    writer.describe(archdesc, top, archdesc=True)
    below = tree.get(top.id, [])
    held = records.get(top.id, [])
    if below or held:
        dsc = writer.element(archdesc, "dsc")
        writer.components(dsc, top.id, tree, records)
    return str(etree.tostring(root, encoding="unicode", pretty_print=True))


def _level(kind: str) -> str:
    return kind if kind in LEVELS else "otherlevel"


def _normal(date: HistoricalDate | None) -> str | None:
    if date is None or not date.earliest or not date.latest:
        return None
    return date.earliest if date.earliest == date.latest else f"{date.earliest}/{date.latest}"


class _Writer:
    def __init__(self, namespace: str, failures: Failures | None = None) -> None:
        self.ns = namespace
        self.ead3 = namespace == EAD3
        self.failures = Failures("EAD finding aid") if failures is None else failures

    def element(self, parent: etree._Element | None, tag: str, text: str | None = None, **attributes: str) -> etree._Element:
        name = f"{{{self.ns}}}{tag}"
        if parent is None:
            nsmap = {None: self.ns} if self.ead3 else {None: self.ns, "xlink": XLINK}
            node = etree.Element(name, nsmap=nsmap)
        else:
            node = etree.SubElement(parent, name)
        for key, value in attributes.items():
            node.set(key, value)
        if text is not None:
            node.text = clean_text(text)
        return node

    def header(self, root: etree._Element, top: Collection) -> None:
        if self.ead3:
            control = self.element(root, "control")
            self.element(control, "recordid", top.id)
            self._titlestmt(control, top)
            self.element(control, "maintenancestatus", value="derived")
            self.element(self.element(control, "maintenanceagency"), "agencyname", top.repository or "fonds")
            event = self.element(self.element(control, "maintenancehistory"), "maintenanceevent")
            self.element(event, "eventtype", value="derived")
            now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            self.element(event, "eventdatetime", now, standarddatetime=now)
            self.element(event, "agenttype", value="machine")
            self.element(event, "agent", "fonds")
        else:
            header = self.element(root, "eadheader")
            self.element(header, "eadid", top.id)
            self._titlestmt(header, top)

    def _titlestmt(self, parent: etree._Element, top: Collection) -> None:
        self.element(self.element(self.element(parent, "filedesc"), "titlestmt"), "titleproper", top.title)

    def describe(self, node: etree._Element, collection: Collection, *, archdesc: bool = False) -> None:
        did = self.element(node, "did")
        self.element(did, "unittitle", collection.title)
        self.element(did, "unitid", collection.unitid or collection.id)
        self._date(did, collection.date)
        if collection.extent:
            self._extent(did, collection.extent)
        if collection.creator:
            origination = self.element(did, "origination")
            self._name(origination, "corpname" if not archdesc or "," not in collection.creator else "persname", collection.creator)
        self._languages(did, collection.languages)
        if collection.repository:
            self._name(self.element(did, "repository"), "corpname", collection.repository)
        for href in collection.links:
            self._dao(did, href)
        if collection.summary:
            self._paragraphs(node, "scopecontent", collection.summary)

    def components(self, parent: etree._Element, collection_id: str, tree: dict[str | None, list[Collection]], records: dict[str, list[Record]]) -> None:
        for child in tree.get(collection_id, []):
            component = self.element(parent, "c", id=name_token(f"c-{child.id}"), level=_level(child.kind))
            if _level(child.kind) == "otherlevel":
                component.set("otherlevel", name_token(child.kind))
            self.describe(component, child)
            self.components(component, child.id, tree, records)
        for record in sorted(records.get(collection_id, []), key=lambda r: (r.date.earliest or "9999", r.id)):
            count = len(parent)
            with self.failures.guard(record.id):
                try:
                    self.record(parent, record)
                except Exception:
                    del parent[count:]  # nothing half-written of this record
                    raise

    def record(self, parent: etree._Element, record: Record) -> None:
        component = self.element(parent, "c", id=name_token(f"r-{record.id}"), level="item")
        did = self.element(component, "did")
        self.element(did, "unittitle", record.title)
        self.element(did, "unitid", record.id)
        self._date(did, record.date)
        if record.extent:
            self._extent(did, record.extent)
        authors = [c.name for c in record.credits if c.role == "author"]
        if authors:
            origination = self.element(did, "origination")
            for name in authors:
                self._name(origination, "persname", name)
        self._languages(did, record.original_languages)
        if record.source.repository:
            self._name(self.element(did, "repository"), "corpname", record.source.repository)
        if record.url:
            self._dao(did, record.url)
        if record.summary:
            self._paragraphs(component, "scopecontent", record.summary)
        reference = format_reference(record.source.reference) if record.source.reference else ""
        if reference:
            self._paragraphs(component, "odd", f"Reference: {reference}")
        names = list(dict.fromkeys(p.name for p in record.persons))
        places = [p.strip() for p in (record.place or "").split(";") if p.strip()]
        if names or places or record.subjects:
            access = self.element(component, "controlaccess")
            for name in names:
                self._name(access, "persname", name)
            for place in places:
                self._name(access, "geogname", place)
            for subject in record.subjects:
                self._name(access, "subject", subject)

    def _name(self, parent: etree._Element, tag: str, text: str) -> None:
        if self.ead3:
            self.element(self.element(parent, tag), "part", text)
        else:
            self.element(parent, tag, text)

    def _date(self, did: etree._Element, date: HistoricalDate | None) -> None:
        if date is None or not (date.text or date.earliest):
            return
        normal = _normal(date)
        text = date.text or normal or ""
        if normal:
            self.element(did, "unitdate", text, normal=normal)
        else:
            self.element(did, "unitdate", text)

    def _extent(self, did: etree._Element, extent: str) -> None:
        if self.ead3:
            self.element(did, "physdesc", extent)
        else:
            self.element(self.element(did, "physdesc"), "extent", extent)

    def _languages(self, did: etree._Element, codes: Iterable[str]) -> None:
        known = [(code, _ISO639_2B[code]) for code in codes if code in _ISO639_2B]
        if not known:
            return
        material = self.element(did, "langmaterial")
        for code, three in known:
            if self.ead3:
                self.element(material, "language", langcode=three)
            else:
                self.element(material, "language", code, langcode=three)

    def _dao(self, did: etree._Element, href: str) -> None:
        if self.ead3:
            self.element(did, "dao", daotype="unknown", href=href)
        else:
            dao = self.element(did, "dao")
            dao.set(f"{{{XLINK}}}type", "simple")
            dao.set(f"{{{XLINK}}}href", href)

    def _paragraphs(self, node: etree._Element, tag: str, text: str) -> None:
        note = self.element(node, tag)
        for paragraph in [p.strip() for p in text.split("\n\n") if p.strip()] or [text]:
            self.element(note, "p", paragraph)


def record_element(record: Record) -> etree._Element:
    """One record as an EAD 2002 `<ead>` whose `archdesc` (level item) describes it: the
    `oai_ead` metadata of OAI-PMH, where each item is one record."""
    writer = _Writer(EAD2002)
    root = writer.element(None, "ead")
    header = writer.element(root, "eadheader")
    writer.element(header, "eadid", record.id)
    writer.element(writer.element(writer.element(header, "filedesc"), "titlestmt"), "titleproper", record.title)
    archdesc = writer.element(root, "archdesc", level="item")
    holder = writer.element(None, "dsc")
    writer.record(holder, record)
    component = holder[0]
    for child in list(component):
        archdesc.append(child)
    return root


def write(record: Record) -> str:
    """One record as an EAD 2002 document (see `record_element`)."""
    return str(etree.tostring(record_element(record), encoding="unicode"))
