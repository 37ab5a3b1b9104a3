"""Read the Office of the Historian's "people" database: one authority Entity per <person>.

Each record has a preferred name, alternate names, the names as printed in FRUS
persons lists (`originals`, each with the `source-url`s of the volumes that
print it), titles and remarks. The source-urls such as
`https://history.state.gov/historicaldocuments/frus1961-63v06/persons#p_KNS2`
name the volume persons-list entries this person is: `volume_persons` turns
them into the `frus:<volume>#<xml:id>` ids the FRUS importer links to.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import BinaryIO, Iterator

from lxml import etree

from fonds import safexml
from fonds.authority import Entity, Variant
from fonds.errors import RecordError
from fonds.importers.frus import person_id

SOURCE = "Office of the Historian, people database"
_PERSONS_URL = re.compile(r"/historicaldocuments/(frus[^/#]+)/persons#(.+)$")


def sniff(head: bytes) -> bool:
    """Whether a file's first bytes look like an hsg-people <person> record."""
    return b"<person>" in head and b"<names>" in head and b"<originals" in head


def read(source: BinaryIO, *, origin: str) -> Iterator[Entity]:
    """Read one hsg-people XML file: one Entity with id `hsg:<id>`."""
    root = safexml.parse(source, origin).getroot()
    if root.tag != "person" or root.find("names/preferred/name") is None:
        raise RecordError(
            f"{origin}:{root.sourceline}: not an Office of the Historian people record "
            "(expected <person> with <names><preferred><name>)"
        )
    number = _text(root.find("id"))
    if not number:
        raise RecordError(f"{origin}:{root.sourceline}: the <person> has no <id>; add one")
    yield _entity(root, number)


def _entity(root: etree._Element, number: str) -> Entity:
    variants: list[Variant] = []
    sources: dict[str, None] = {}
    for name in root.iterfind("names/alternates/name"):
        if _text(name):
            variants.append(Variant(_text(name), "variant", SOURCE))
    for original in root.iterfind("names/originals/original"):
        urls = [_text(url) for url in original.iterfind("source-url") if _text(url)]
        sources.update(dict.fromkeys(urls))
        if _text(original.find("name")):
            variants.append(Variant(_text(original.find("name")), "printed form", urls[0] if urls else SOURCE))
    remarks: Counter[str] = Counter()
    for remark in root.iterfind("remarks/remark"):
        urls = [_text(url) for url in remark.iterfind("source-url") if _text(url)]
        sources.update(dict.fromkeys(urls))
        text = " ".join("".join(remark.find("p").itertext()).split()) if remark.find("p") is not None else ""
        if text:
            remarks[text] += len(urls) or 1
    titles = tuple(dict.fromkeys(_text(t) for t in root.iterfind("names/titles-from-name/title/name") if _text(t)))
    born, died = _text(root.find("birth-year")), _text(root.find("death-year"))
    entity = Entity(
        id=f"hsg:{number}",
        preferred=_text(root.find("names/preferred/name")),
        description=remarks.most_common(1)[0][0] if remarks else None,
        sources=tuple(sources),
        dates=f"{born}–{died}" if born or died else None,
        titles=titles,
    )
    return entity.with_variants(tuple(variants))


def volume_persons(entity: Entity) -> list[str]:
    """The FRUS persons-list ids (`frus:<volume>#<xml:id>`) an entry's sources name."""
    found = (_PERSONS_URL.search(url) for url in entity.sources)
    return [person_id(match.group(1), match.group(2)) for match in found if match]


def _text(element: etree._Element | None) -> str:
    return " ".join((element.text or "").split()) if element is not None else ""
