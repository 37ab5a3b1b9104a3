"""Import authority files (hsg-people, POCOM) and make one entry per person.

FRUS volumes link persons to their own persons list: `frus:<volume>#<xml:id>`.
The Office of the Historian's people database says which persons-list entries
of which volumes are one person (`hsg:<id>`). `reconcile` folds every
persons-list entry the store holds into its hsg entry and rewrites the records
that link to it (through `store.add`, so the change log sees them). It is
idempotent and runs after an authority import; run it after ingesting FRUS too,
so that either order ends with one entry per person. See docs/authority.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable, Protocol, runtime_checkable

from fonds.romanize import fold
from fonds.variants import _full_names, with_generated
from fonds.authority import Entity, Variant, normalize
from fonds.errors import NotFound, Problem, RecordError
from fonds.importers import hsg_people, pocom
from fonds.linking import SOURCE as LINKED_BY_FONDS
from fonds.record import PersonLink, Record
from fonds.store.base import Store

CURATED_PREFIX = "fonds:"
RECONCILE = "reconcile"  # the pending-work mark of `reconcile`
RELINK_BATCH = 500  # records relinked per transaction
ALIAS = "alias"  # kind of a retired persons-list entry when the store cannot delete entries


@dataclass
class AuthorityResult:
    read: int = 0  # entries read from the files
    written: int = 0  # entries that changed in the store
    merged: int = 0  # persons-list entries folded into an authority entry
    relinked: int = 0  # records whose person links now point to the merged entry
    files: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # files not read, each with why

    def summary(self) -> str:
        return (
            f"{self.read} authority entries read, {self.written} written; "
            f"{self.merged} FRUS persons-list entries merged; {self.relinked} records relinked"
        )


@runtime_checkable
class DeletesEntities(Protocol):
    def delete_entities(self, ids: Iterable[str]) -> int: ...


def import_authority(store: Store, path: str | Path) -> AuthorityResult:
    """Read hsg-people and/or POCOM at `path`, write the entries, then bring the records to the
    fixed point (fonds.convergence.converge: fold, relink the records the new entries touch,
    retire). The relinking is marked pending before the entries are written, so a crash is
    finished later (every record relinked then)."""
    from fonds.convergence import RELINK, converge
    from fonds.naming import Names

    problems: list[Problem] = []
    entities, files = read_authority(Path(path), problems)
    result = AuthorityResult(read=len(entities), files=files, problems=problems)
    before = None if RELINK in store.pending() else [Names.of(store)]  # None: a crash cut a relinking short
    store.set_pending(RELINK, store.pending().get(RELINK, ""))
    result.written = store.put_entities(keep_folded(store, entities))
    result.relinked, result.merged = converge(store, authority_changed=True, before=before)
    return result


def keep_folded(store: Store, entities: list[Entity]) -> list[Entity]:
    """The entries as read, each with the printed forms a reconciliation folded into its stored
    version (from persons-list entries since retired): importing the same files again then
    changes nothing, and the authority before or after the volumes gives one store."""
    kept = []
    for entity in entities:
        try:
            stored = store.get_entity(entity.id)
        except NotFound:
            kept.append(entity)
            continue
        for variant in stored.variants:
            if variant.kind == "printed form":
                entity = fold_printed_form(entity, variant)
        kept.append(entity)
    return kept


def read_authority(path: Path, problems: list[Problem] | None = None) -> tuple[list[Entity], list[str]]:
    """Every entry at `path`: an hsg-people file or folder, a POCOM folder, or a folder holding both."""
    if not path.exists():
        raise RecordError(f"{path}: no such file or folder; give the authority/ folder, hsg-people/ or pocom/")
    people: list[Entity] = []
    chiefs: list[Entity] = []
    files: list[str] = []
    if path.is_file():
        people = _read_people([path], problems)
        files.append(str(path))
    elif pocom.is_pocom(path):
        chiefs = pocom.read_folder(path)
        files.append(str(path))
    else:
        for folder in (path, path / "hsg-people"):
            paths = sorted(p for p in folder.glob("*.xml") if p.is_file()) if folder.is_dir() else []
            if paths and _sniff_any(paths):
                people += _read_people(paths, problems)
                files.append(str(folder))
        if pocom.is_pocom(path / "pocom"):
            chiefs = pocom.read_folder(path / "pocom")
            files.append(str(path / "pocom"))
    if not people and not chiefs:
        raise RecordError(
            f"{path}: holds no authority files fonds reads (hsg-people <person> XML or a POCOM folder)"
        )
    return merge_chiefs(people, chiefs), files


def _read_people(paths: list[Path], problems: list[Problem] | None = None) -> list[Entity]:
    """The entries of hsg-people files. A file that cannot be read, a person without a name and
    a second file claiming an id already read are problems: appended to `problems` (the other
    files are still read) or, without a list, raised as RecordError."""
    entities: list[Entity] = []
    claimed: dict[str, Path] = {}
    for path in paths:
        try:
            try:
                with path.open("rb") as file:
                    found = list(hsg_people.read(file, origin=str(path)))
            except OSError as error:
                raise RecordError(f"{path}: cannot read the file ({error.strerror})") from None
            for entity in found:
                if not entity.preferred.strip():
                    raise RecordError(f"{path}: the person has no name; give <names><preferred><name>")
                if entity.id in claimed:
                    raise RecordError(
                        f"{path}: authority id {entity.id!r} is also claimed by {claimed[entity.id]}; "
                        "this file was not read"
                    )
        except RecordError as error:
            if problems is None:
                raise
            origin, _, message = str(error).partition(": ")
            problems.append(Problem(origin, message))
            continue
        claimed.update((entity.id, path) for entity in found)
        entities.extend(found)
    return entities


def _sniff_any(paths: list[Path]) -> bool:
    """Whether the first readable file of a folder is an hsg-people record."""
    for path in paths:
        try:
            with path.open("rb") as file:
                return hsg_people.sniff(file.read(4096))
        except OSError:
            continue
    return False


def merge_chiefs(people: list[Entity], chiefs: list[Entity]) -> list[Entity]:
    """Fold each POCOM person into the one hsg-people entry with the same name, if exactly one."""
    by_key: dict[tuple[str, str, str], set[str]] = {}
    for person in people:
        for name in person.names:
            key = name_key(name)
            if key:
                by_key.setdefault(key, set()).add(person.id)
    merged = {person.id: person for person in people}
    alone: list[Entity] = []
    for chief in chiefs:
        matches = by_key.get(name_key(chief.preferred) or ("", "", ""), set())
        if len(matches) != 1:
            alone.append(chief)
            continue
        target = merged[next(iter(matches))]
        posts = f"{target.description}. Posts: {chief.description}" if target.description else chief.description
        merged[target.id] = replace(
            target.with_variants((Variant(chief.preferred, "variant", pocom.SOURCE), *chief.variants)),
            description=posts if chief.description else target.description,
            sources=(*target.sources, *chief.sources),
            dates=target.dates or chief.dates,
            family=target.family or chief.family,
            given=target.given or chief.given,
        )
    return [*merged.values(), *alone]


_SUFFIX = re.compile(r"^(jr|sr|ii|iii|iv)$")


def name_key(name: str) -> tuple[str, str, str] | None:
    """("thompson", "llewellyn", "e") for "Thompson, Llewellyn E. (“Tommy”), Jr."."""
    cleaned = re.sub(r"\([^)]*\)|[“”\"]", " ", normalize(name)).casefold()
    if "," not in cleaned:
        return None
    surname, rest = cleaned.split(",", 1)
    given = [t.strip(".") for t in rest.replace(",", " ").split() if not _SUFFIX.match(t.strip("."))]
    if not surname.strip() or not given:
        return None
    return surname.strip(), given[0], given[1][:1] if len(given) > 1 else ""


@dataclass
class Folding:
    """What a reconciliation does to the authority: which ids fold into which (`aliases`: a
    persons-list or curated entry id -> the entry that takes it in), the entries that take a
    printed form in (changed ones only) and the entries to retire once nothing links to them."""

    aliases: dict[str, str]
    updated: list[Entity]
    retired: list[Entity]


def plan_folding(store: Store) -> Folding:
    """Work out a reconciliation from the store's person entries, writing nothing."""
    aliases: dict[str, str] = {}
    entries: dict[str, Entity] = {}
    per_volume: list[Entity] = []
    curated: list[Entity] = []
    for entity in store.iter_entities(kind="person"):
        if entity.id.startswith("frus:"):
            per_volume.append(entity)
            continue
        if entity.id.startswith(CURATED_PREFIX):
            curated.append(entity)
        for volume_person in hsg_people.volume_persons(entity):
            aliases.setdefault(volume_person, entity.id)
        entries[entity.id] = entity
    # A curated person (stored when a record first named them) folds into an archive entry
    # that shares a full name with it: one person, one entry.
    # Persons-list entries that no authority entry names stay, and may take a curated person in.
    entries.update((e.id, e) for e in per_volume if e.id not in aliases)
    by_name: dict[str, str] = {}
    if curated:
        for e in entries.values():
            if not e.id.startswith(CURATED_PREFIX):
                for name in _full_names(with_generated(e)):
                    by_name.setdefault(fold(name), e.id)
    for entity in curated:
        # Its generated names too, as `variants.merge_curated` matches it (`Aiichiro Fujiyama`
        # for the curated `Fujiyama Aiichirō`): the same rule that keeps it out of the store
        # when the authority comes first, so either order ends with the same entries.
        generated = _full_names(with_generated(entity))
        into = next((by_name[fold(n)] for n in generated if fold(n) in by_name), None)
        if into is not None:
            aliases[entity.id] = aliases.get(into, into)
            per_volume.append(entity)
            del entries[entity.id]
    updated: dict[str, Entity] = {}
    retired: list[Entity] = []
    for entity in per_volume:
        target_id = aliases.get(entity.id)
        if target_id is None:
            continue
        retired.append(entity)
        if entity.id.startswith(CURATED_PREFIX):
            # A curated person's names reach every entry that shares a full name with it when
            # the authority is read (variants.merge_curated), whichever entry it was folded
            # into here: storing them on this one would make the store depend on the order.
            continue
        target = updated.get(target_id, entries[target_id])
        source = entity.sources[0] if entity.sources else None
        updated[target_id] = fold_printed_form(target, Variant(entity.preferred, "printed form", source))
    return Folding(aliases, [e for e in updated.values() if e != entries[e.id]], retired)


def reconcile(store: Store, *, batch: int = RELINK_BATCH) -> AuthorityResult:
    """Fold FRUS persons-list entries into the authority entries that name them; relink records.

    Resumable: it marks itself pending in the store (`RECONCILE`) before writing and clears the
    mark when done, and every step is idempotent, so a run cut short (kill -9) is finished by
    the next ingest or `fonds repair`. Entries are retired only after every record linking to
    them points elsewhere: the store refuses a dangling link."""
    store.set_pending(RECONCILE)
    folding = plan_folding(store)
    aliases, retired = folding.aliases, folding.retired
    result = AuthorityResult()
    store.add([], entities=folding.updated)
    result.relinked = relink_records(store, aliases, batch=batch)
    store.move_link_decisions(aliases)  # review decisions follow the person they were about
    _retire(store, retired, aliases)
    store.clear_pending(RECONCILE)
    result.merged = len(retired)
    return result


def fold_printed_form(target: Entity, variant: Variant) -> Entity:
    """The entry with a persons-list entry's printed form folded in; `target` itself (the same
    object) when it holds the name already with a source that sorts no later.

    The result depends only on the set of forms folded in, never on their order (so volumes
    ingested in any order give one entry): a name printed by several volumes keeps the source
    that sorts first, and once anything is folded in, the printed forms stand after the other
    variants sorted by name and source."""
    key = normalize(variant.name)
    held = next((v for v in target.variants if v.kind == variant.kind and normalize(v.name) == key), None)
    if held is not None and (held.source or "") <= (variant.source or ""):
        return target
    others = [v for v in target.variants if v is not held]
    printed = sorted((v for v in (*others, variant) if v.kind == "printed form"),
                     key=lambda v: (normalize(v.name), v.source or ""))
    return replace(target, variants=(*(v for v in others if v.kind != "printed form"), *printed))


def relink_records(store: Store, aliases: dict[str, str], *, batch: int = RELINK_BATCH) -> int:
    """Point every record linking to an alias at the entry it was merged into, `batch` records per
    transaction (memory and transaction size stay bounded however many records name a person).
    Returns how many records changed. Idempotent: a record already relinked is not found again."""
    relinked = 0
    after = ""
    retired = sorted(alias for alias, target in aliases.items() if alias != target)
    while retired:
        page = store.records_linking(retired, after_id=after, limit=batch)
        if not page:
            break
        store.add([record.with_persons(relink(record.persons, aliases)) for record in page], agent="authority: persons relinked")
        relinked += len(page)
        after = page[-1].id
    return relinked


def relink(persons: tuple[PersonLink, ...], aliases: dict[str, str]) -> tuple[PersonLink, ...]:
    """Point links at merged ids. Every mention keeps its span; links that now say the same thing
    (same person, same place, both read from the source or both made by fonds) become one, a
    participant role winning over mentioned.

    A link the importer read (FRUS `persName`) never merges into one fonds made: fonds drops
    and remakes its own links whenever the authority changes (convergence.relink_all), and an
    encoded link folded into one of them would be lost with it, or kept, depending on the order
    the volumes came in."""
    links: dict[tuple[object, ...], PersonLink] = {}
    for link in persons:
        moved = replace(link, id=aliases.get(link.id, link.id))
        # Author and recipient links (no span) are kept beside a participant or mention link.
        kept_role = moved.role if moved.role not in ("participant", "mentioned") else None
        key = (moved.id, moved.start, moved.end, moved.rendition, kept_role, moved.source == LINKED_BY_FONDS)
        known = links.get(key)
        if known is None or (moved.role == "participant" and known.role != "participant"):
            links[key] = moved
    return tuple(links.values())


def _retire(store: Store, retired: list[Entity], aliases: dict[str, str]) -> None:
    """Remove folded persons-list entries; a store without `delete_entities` keeps a "see" alias."""
    if not retired:
        return
    if isinstance(store, DeletesEntities):
        store.delete_entities(entity.id for entity in retired)
        return
    store.put_entities(
        replace(entity, kind=ALIAS, description=f"see {aliases[entity.id]}", sources=(aliases[entity.id],))
        for entity in retired
    )
