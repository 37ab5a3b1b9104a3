"""EAD finding aids (EAD 2002, namespaced or not, and EAD3) as a collection hierarchy with records.

The `archdesc` is the top collection; each component (`c`, `c01`...`c12`) with components
under it is a collection below it (its `@level`: series, subseries, file...); a component
without components under it (an item, or a file described no further) is a record in its
parent collection. From each `did`: `unitid` (the reference), `unittitle`, `unitdate` (with
`@normal`, or EAD3 `unitdatestructured`, giving the bounds), `physdesc` (extent), `origination`
(creator), `langmaterial` (languages), `dao` (links); `scopecontent` (or `abstract`) is the
summary; `controlaccess` gives subjects, places and persons (persons become authority entries).

A component without `@level` gets one from where it stands: with children, `series` under the
archdesc and `subseries` deeper; without, `file` under a series and `item` under a file.

The file is checked against `ead2002.rng` or `ead3.rng` with jing; what does not validate is
reported as warnings (`file:line: not valid EAD 2002: ...`) and the import goes on. An external
DOCTYPE (`<!DOCTYPE ead PUBLIC ... "ead.dtd">`) is ignored safely (see safexml).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import BinaryIO, Iterator

from lxml import etree

from fonds.authority import Entity
from fonds.dates import HistoricalDate, parse_date
from fonds.errors import Problem, RecordError
from fonds.importers.access_points import person_entity, person_link
from fonds.importers.csv_columns import level_name, slug
from fonds.importers.language_names import language_codes
from fonds.collection import Collection
from fonds.record import Credit, PersonLink, Record, Source
from fonds.safexml import blank_external_doctype, parse
from fonds.schema_check import Finding, validate

EAD3 = "http://ead3.archivists.org/schema/"
EAD2002 = "urn:isbn:1-931666-22-9"
COMPONENT = re.compile(r"^c(0[1-9]|1[0-2])?$")
MAX_FINDINGS = 20
_ROOT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?ead[\s>/]")


def sniff(head: bytes) -> bool:
    """Whether the file's first bytes open an EAD document (`<ead` root, any prefix)."""
    return _ROOT.search(head) is not None


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _text(element: etree._Element | None) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def _children(element: etree._Element, *names: str) -> list[etree._Element]:
    return [child for child in element if isinstance(child.tag, str) and _local(child) in names]


def _first(element: etree._Element | None, *names: str) -> etree._Element | None:
    if element is None:
        return None
    found = _children(element, *names)
    return found[0] if found else None


def _attr(element: etree._Element, name: str) -> str:
    for key, value in element.attrib.items():
        if etree.QName(key).localname == name:
            return str(value).strip()
    return ""


@dataclass
class _Reading:
    origin: str
    finding_aid: str
    repository: str | None
    languages: tuple[str, ...]
    items: list[Record | Collection | Entity | Problem] = field(default_factory=list)
    entities: dict[str, Entity] = field(default_factory=dict)
    ids: set[str] = field(default_factory=set)

    def warn(self, element: etree._Element, message: str) -> None:
        self.items.append(Problem(f"{self.origin}:{element.sourceline}", message))


def read(source: BinaryIO, *, origin: str) -> Iterator[Record | Collection | Entity | Problem]:
    """Read an EAD finding aid. Raises RecordError for XML that is not well-formed or not EAD."""
    data = source.read()
    tree = parse(data, origin, ignore_external_doctype=True)
    root = tree.getroot()
    if _local(root) != "ead":
        raise RecordError(f"{origin}:{root.sourceline}: the root element is <{_local(root)}>, not <ead>; this is not an EAD finding aid")
    flavour = "EAD3" if etree.QName(root).namespace == EAD3 else "EAD 2002"
    archdesc = _first(root, "archdesc")
    if archdesc is None:
        raise RecordError(f"{origin}:{root.sourceline}: the finding aid has no <archdesc>; there is nothing to describe")
    did = _first(archdesc, "did")
    header = _first(root, "eadheader", "control")
    eadid = _text(_first(header, "eadid", "recordid"))
    unitid = _text(_first(did, "unitid"))
    finding_aid = slug(eadid or unitid or _text(_first(did, "unittitle")))
    reading = _Reading(
        origin=origin,
        finding_aid=finding_aid,
        repository=_text(_first(did, "repository")) or None,
        languages=_languages(did),
    )
    for finding in _validation(data, root, flavour)[:MAX_FINDINGS]:
        reading.items.append(Problem(f"{origin}:{finding.line}" if finding.line else origin, f"not valid {flavour}: {finding.message}"))
    top = _collection(archdesc, reading, finding_aid, None, 0, archdesc_level=True)
    dsc = _first(archdesc, "dsc")
    if not any(isinstance(c.tag, str) and COMPONENT.match(_local(c)) for c in [*archdesc, *(dsc if dsc is not None else [])]) and top.kind in ("item", "file"):
        # A description of one item or file (an OAI-PMH oai_ead record): a record, not a collection.
        reading.items.append(replace(_record(archdesc, reading, finding_aid, top), collections=()))
    else:
        reading.items.append(top)
        _components(archdesc, top, reading, depth=1)
    yield from reading.entities.values()
    yield from reading.items


def _validation(data: bytes, root: etree._Element, flavour: str) -> list[Finding]:
    """What jing finds. An EAD 2002 file of the DTD era has no namespace: it is checked as if its
    elements were in the EAD namespace (else every element would be reported), lines kept."""
    if flavour == "EAD3" or etree.QName(root).namespace is not None:
        return validate(blank_external_doctype(data), "ead3.rng" if flavour == "EAD3" else "ead2002.rng")
    copy = etree.fromstring(etree.tostring(root))
    for element in copy.iter():
        if isinstance(element.tag, str) and etree.QName(element).namespace is None:
            element.tag = f"{{{EAD2002}}}{element.tag}"
    before = (root.sourceline or 1) - 1  # the lines of the prolog, which the copy leaves out
    findings = validate(etree.tostring(copy), "ead2002.rng")
    return [Finding(f.line + before if f.line else 0, f.message) for f in findings]


def _components(parent_element: etree._Element, parent: Collection, reading: _Reading, depth: int) -> None:
    container = _first(parent_element, "dsc")
    holders = [parent_element] + ([container] if container is not None else [])
    components = [c for holder in holders for c in holder if isinstance(c.tag, str) and COMPONENT.match(_local(c))]
    for order, component in enumerate(components):
        has_children = any(isinstance(c.tag, str) and COMPONENT.match(_local(c)) for c in component)
        identifier = _component_id(component, reading, order, parent)
        if has_children:
            collection = _collection(component, reading, identifier, parent, order)
            reading.items.append(collection)
            _components(component, collection, reading, depth + 1)
        else:
            before = len(reading.items)
            record = _record(component, reading, identifier, parent)
            own = [w for w in reading.items[before:] if isinstance(w, Problem)]
            del reading.items[before:]
            reading.items.append(record.with_warnings(*own))  # the component's warnings stay on it


def _component_id(component: etree._Element, reading: _Reading, order: int, parent: Collection) -> str:
    own = _attr(component, "id")
    base = f"{reading.finding_aid}-{slug(own)}" if own else f"{parent.id}-{order + 1}"
    identifier, n = base, 1
    while identifier in reading.ids:
        n += 1
        identifier = f"{base}-{n}"
    reading.ids.add(identifier)
    return identifier


def _level(component: etree._Element, has_children: bool, parent: Collection | None) -> str:
    level = _attr(component, "level")
    if level == "otherlevel" and _attr(component, "otherlevel"):
        return level_name(_attr(component, "otherlevel"))
    if level:
        return level_name(level)
    if has_children:
        return "series" if parent is None or parent.parent is None else "subseries"
    return "item" if parent is not None and parent.kind in ("file", "item") else "file"


def _collection(element: etree._Element, reading: _Reading, identifier: str, parent: Collection | None, order: int, *, archdesc_level: bool = False) -> Collection:
    did = _first(element, "did")
    has_children = not archdesc_level
    title = _title(element, did, reading, "collection")
    links = tuple(_links(element))
    creators = _origination(did)
    for name, kind in creators:
        if kind == "person":
            _entity(name, reading)
    return Collection(
        id=identifier,
        title=title,
        parent=parent.id if parent else None,
        kind=_level(element, has_children, parent) if not archdesc_level else (level_name(_attr(element, "level")) if _attr(element, "level") else "fonds"),
        order=order,
        unitid=_text(_first(did, "unitid")) or None,
        date=_date(did, reading, element),
        summary=_summary(element, did),
        extent=_extent(did),
        creator="; ".join(name for name, _ in creators) or None,
        repository=reading.repository if archdesc_level else None,
        languages=_languages(did),
        links=links,
    )


def _record(component: etree._Element, reading: _Reading, identifier: str, parent: Collection) -> Record:
    did = _first(component, "did")
    title = _title(component, did, reading, _level(component, False, parent))
    creators = _origination(did)
    persons: list[PersonLink] = []
    for name, kind in creators:
        if kind == "person":
            persons.append(person_link(_entity(name, reading), "author"))
    subjects, places, names = _access_points(component)
    for name in names:
        link = person_link(_entity(name, reading), "mentioned")
        if not any(p.id == link.id for p in persons):
            persons.append(link)
    unitid = next((_text(u) for u in (_children(did, "unitid") if did is not None else []) if _attr(u, "type") != "aspace_uri" and not _text(u).startswith("/repositories/")), "")
    containers = ", ".join(f"{_attr(c, 'type') or _attr(c, 'localtype') or 'container'} {_text(c)}".strip().capitalize() for c in _children(did, "container")) if did is not None else ""
    reference = {"text": "; ".join(p for p in (unitid, containers) if p)} if unitid or containers else {}
    links = _links(component)
    date = _date(did, reading, component)
    return Record(
        id=identifier,
        title=title,
        type=None,
        date=date or HistoricalDate.undated(),
        summary=_summary(component, did),
        original_languages=_languages(did) or reading.languages,
        source=Source(repository=reading.repository, reference=reference),
        credits=tuple(Credit(role="author", name=name) for name, _ in creators),
        collections=(parent.id,),
        url=links[0] if links else None,
        place="; ".join(places) or None,
        extent=_extent(did),
        subjects=tuple(subjects),
        persons=tuple(persons),
        origin=f"{reading.origin}:{component.sourceline}",
    )


def _title(element: etree._Element, did: etree._Element | None, reading: _Reading, level: str) -> str:
    title = _text(_first(did, "unittitle"))
    if title:
        return title
    date = _text(_first(did, "unitdate"))
    devised = f"[{date}]" if date else f"[Untitled {level}]"
    reading.warn(element, f"the component has no <unittitle>; stored with the devised title {devised}")
    return devised


def _date(did: etree._Element | None, reading: _Reading, element: etree._Element) -> HistoricalDate | None:
    if did is None:
        return None
    dates = _children(did, "unitdate")
    printed = "; ".join(_text(d) for d in dates if _text(d))
    normal = next((_attr(d, "normal") for d in dates if _attr(d, "normal")), "")
    structured = _first(did, "unitdatestructured")
    if not normal and structured is not None:
        single = [_attr(e, "standarddate") for e in structured.iter() if isinstance(e.tag, str) and _local(e) in ("datesingle", "fromdate", "todate")]
        single = [s for s in single if s]
        normal = "/".join(single[:2]) if single else ""
        printed = printed or _text(structured)
    year_span = re.fullmatch(r"(?:ca?\.\s*|circa\s+)?(\d{4})\s*[-–]\s*(\d{4})", printed)
    for candidate in (normal, printed, f"{year_span.group(1)}/{year_span.group(2)}" if year_span else ""):
        if not candidate:
            continue
        try:
            parsed = parse_date(candidate)
        except RecordError:
            continue
        return replace(parsed, text=printed or candidate)
    if printed:
        reading.warn(element, f"date {printed!r} is kept as printed but not understood (no @normal fonds can read)")
        return HistoricalDate.undated(printed)
    return None


def _summary(element: etree._Element, did: etree._Element | None) -> str | None:
    notes = _children(element, "scopecontent") or _children(did, "abstract") if did is not None else _children(element, "scopecontent")
    paragraphs: list[str] = []
    for note in notes:
        parts = [_text(p) for p in note if isinstance(p.tag, str) and _local(p) == "p"]
        paragraphs.extend(p for p in (parts or [_text(note)]) if p)
    return "\n\n".join(paragraphs) or None


def _extent(did: etree._Element | None) -> str | None:
    if did is None:
        return None
    parts = []
    for physdesc in _children(did, "physdesc", "physdescstructured"):
        if _local(physdesc) == "physdescstructured":
            parts.append(" ".join(p for p in (_text(_first(physdesc, "quantity")), _text(_first(physdesc, "unittype"))) if p))
        else:
            extents = [_text(e) for e in _children(physdesc, "extent")]
            parts.append(", ".join(e for e in extents if e) or _text(physdesc))
    return "; ".join(p for p in parts if p) or None


def _origination(did: etree._Element | None) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for origination in _children(did, "origination") if did is not None else []:
        for name in origination:
            if isinstance(name.tag, str):
                kind = {"persname": "person", "famname": "family", "corpname": "organization"}.get(_local(name), "organization")
                if _text(name):
                    found.append((_text(name), kind))
    return found


def _access_points(element: etree._Element) -> tuple[list[str], list[str], list[str]]:
    subjects: list[str] = []
    places: list[str] = []
    persons: list[str] = []
    for block in _children(element, "controlaccess"):
        for point in block.iter():
            if not isinstance(point.tag, str):
                continue
            name, text = _local(point), _text(point)
            if not text:
                continue
            if name == "persname":
                persons.append(text)
            elif name == "geogname":
                places.append(text)
            elif name in ("subject", "genreform", "function", "occupation", "corpname", "famname"):
                subjects.append(text)
    return list(dict.fromkeys(subjects)), list(dict.fromkeys(places)), list(dict.fromkeys(persons))


def _links(element: etree._Element) -> list[str]:
    """The `dao`/`daoloc` hrefs of a unit, not those of the components below it."""
    links: list[str] = []
    for node in element.iter():
        if not isinstance(node.tag, str) or _local(node) not in ("dao", "daoloc"):
            continue
        ancestor = node.getparent()
        while ancestor is not None and ancestor is not element and not COMPONENT.match(_local(ancestor)):
            ancestor = ancestor.getparent()
        href = _attr(node, "href")
        if ancestor is element and href and href not in links:
            links.append(href)
    return links


def _languages(did: etree._Element | None) -> tuple[str, ...]:
    if did is None:
        return ()
    codes: list[str] = []
    for language in did.iter():
        if isinstance(language.tag, str) and _local(language) == "language":
            found, _ = language_codes(_attr(language, "langcode") or _text(language))
            codes.extend(c for c in found if c not in codes)
    return tuple(codes)


def _entity(name: str, reading: _Reading) -> Entity:
    entity = person_entity(name, reading.origin)
    return reading.entities.setdefault(entity.id, entity)
