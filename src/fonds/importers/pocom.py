"""Read POCOM, the Office of the Historian's Principal Officers and Chiefs of Mission.

POCOM is a folder, not a file: `people/<id>.xml` holds names and life dates,
`missions-countries/*.xml` and `positions-principals/*.xml` the posts each
person held (with role ids explained in `roles-country-chiefs/*.xml`). Each
person becomes one Entity `pocom:<id>` whose description lists the posts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from fonds import safexml
from fonds.authority import Entity, Variant
from fonds.errors import RecordError

SOURCE = "Office of the Historian, Principal Officers and Chiefs of Mission"
URL = "https://history.state.gov/departmenthistory/people"


@dataclass(frozen=True)
class Post:
    """One post a person held: "Ambassador Extraordinary and Plenipotentiary, Russia, 1957–1962"."""

    role: str
    where: str | None
    started: str | None
    ended: str | None

    def __str__(self) -> str:
        span = "–".join(part for part in (self.started, self.ended) if part) or "dates unknown"
        return f"{self.role}{', ' + self.where if self.where else ''}, {span}"


@dataclass(frozen=True)
class Person:
    id: str
    surname: str
    forename: str
    suffix: str
    other_names: tuple[str, ...]
    born: str
    died: str

    @property
    def inverted(self) -> str:
        name = f"{self.surname}, {self.forename}" if self.forename else self.surname
        return f"{name}, {self.suffix}" if self.suffix else name


def is_pocom(folder: Path) -> bool:
    return (folder / "people").is_dir() and (
        (folder / "missions-countries").is_dir() or (folder / "positions-principals").is_dir()
    )


def read_folder(folder: Path) -> list[Entity]:
    """Every person of a POCOM folder as an Entity with their posts, ordered by id."""
    if not is_pocom(folder):
        raise RecordError(
            f"{folder}: not a POCOM folder (expected people/ and missions-countries/ or "
            "positions-principals/ inside it)"
        )
    roles = _roles(folder)
    posts = _posts(folder, roles)
    entities = []
    for path in sorted((folder / "people").glob("*.xml")):
        person = _person(path)
        entities.append(entity_of(person, posts.get(person.id, [])))
    return entities


def entity_of(person: Person, posts: list[Post]) -> Entity:
    variants = [Variant(name, "variant", SOURCE) for name in person.other_names]
    direct = " ".join(part for part in (person.forename, person.surname) if part)
    variants.append(Variant(f"{direct}, {person.suffix}" if person.suffix else direct, "variant", SOURCE))
    dates = f"{person.born}–{person.died}" if person.born or person.died else None
    entity = Entity(
        id=f"pocom:{person.id}",
        preferred=person.inverted,
        description="; ".join(str(post) for post in posts) or None,
        sources=(f"{URL}/{person.id}",),
        dates=dates,
        family=person.surname or None,
        given=person.forename or None,
    )
    return entity.with_variants(tuple(v for v in variants if v.name != person.inverted))



def _person(path: Path) -> Person:
    root = _parse(path)
    person_id = _text(root.find("id"))
    if root.tag != "person" or not person_id:
        raise RecordError(f"{path}:{root.sourceline}: not a POCOM <person> record with an <id>")
    return Person(
        id=person_id,
        surname=_text(root.find("persName/surname")),
        forename=_text(root.find("persName/forename")),
        suffix=_text(root.find("persName/genName")),
        other_names=tuple(_text(name) for name in root.iterfind("persName/altname") if _text(name)),
        born=_text(root.find("birth")),
        died=_text(root.find("death")),
    )


def _roles(folder: Path) -> dict[str, str]:
    roles: dict[str, str] = {}
    for path in sorted((folder / "roles-country-chiefs").glob("*.xml")):
        root = _parse(path)
        roles[_text(root.find("id"))] = _text(root.find("names/singular"))
    for path in sorted((folder / "positions-principals").glob("*.xml")):
        root = _parse(path)
        roles[_text(root.find("id"))] = _text(root.find("names/singular"))
    return roles


def _posts(folder: Path, roles: dict[str, str]) -> dict[str, list[Post]]:
    posts: dict[str, list[Post]] = {}
    for path in sorted((folder / "missions-countries").glob("*.xml")):
        root = _parse(path)
        territory = _text(root.find("territory-id")).replace("-", " ").title() or None
        for chief in root.iterfind("chiefs/chief"):
            _add_post(posts, chief, roles, territory)
    for path in sorted((folder / "positions-principals").glob("*.xml")):
        for principal in _parse(path).iterfind("principals/principal"):
            _add_post(posts, principal, roles, None)
    return posts


def _add_post(posts: dict[str, list[Post]], element: etree._Element, roles: dict[str, str], where: str | None) -> None:
    person = _text(element.find("person-id"))
    role_id = _text(element.find("role-title-id"))
    started = _text(element.find("started/date")) or _text(element.find("appointed/date")) or None
    ended = _text(element.find("ended/date")) or None
    if person:
        posts.setdefault(person, []).append(Post(roles.get(role_id, role_id), where, started, ended))


def _parse(path: Path) -> etree._Element:
    with path.open("rb") as file:
        return safexml.parse(file, str(path)).getroot()


def _text(element: etree._Element | None) -> str:
    return " ".join((element.text or "").split()) if element is not None else ""
