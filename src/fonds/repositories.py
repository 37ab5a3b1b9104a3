"""The repository authority: where originals are held, each under one preferred name.

Like the persons authority, an entry has a preferred name, a code and variants. Entries come
from `fonds/data/repositories.tsv` (code, name, place; shipped with fonds) and from the
archive's own `Entity(kind="repository")` entries in the store, which add confirmed variants
("Department of Sate" confirmed as a typo of "Department of State").

A printed repository name resolves to an entry when it is the entry's name, code or a variant
compared without case, punctuation or a leading "the" (`Department of state` is `Department of
State`). A name that only *looks like* an entry (a typo) is never merged silently: `candidates`
proposes it, staff confirm it (`fonds authority confirm-repository`), and only then do records
printing it count under the entry. The record keeps the name as printed
(`Source.repository_printed`).

Also here: what counts as a repository's name at all (`is_repository_name`) and what is a
published source instead (`publication_of`), for the citation readers.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Iterable, Iterator, Mapping, Protocol, Sequence

from rapidfuzz import fuzz, process

from fonds.authority import Entity, Variant
from fonds.record import Record
from fonds.store.base import Store
from fonds.vocabulary import repositories, repository_forms

KIND = "repository"
ID_PREFIX = "repo:"
SHIPPED_SOURCE = "fonds/data/repositories.tsv"
CONFIRMED_SOURCE = "confirmed by staff"
EDITED_SOURCE = "edited by staff"  # a stored entry with this source replaces the shipped one
ALIAS = "alias"  # the kind of a merged repository's entry; its one source is the kept id
RETIRED = ("former name", "former code", "merged")  # variant kinds naming an entry no longer current
CANDIDATE_SCORE = 85  # rapidfuzz ratio (0-100) from which an unknown name is proposed as a variant

# Words that make a phrase the name of a holding institution.
_REPOSITORY_WORDS = re.compile(
    r"\b(?:Archives?|Archiv\w*|Arkhiv|Library|Libraries|Bibliothek\w*|Ministry|Ministerium|Department|"
    r"Agency|Records?|Cent(?:er|re)|Institute?|Institut|University|Universit\w+|Foundation|Stiftung|"
    r"Office|Museum|Collection|Council|Committee|Commission|Historical|Bundesarchiv|Secretariat|"
    r"Chancellery|Service|Bureau|Academy|Society|Trust|Papers|Memorial|"
    # the same words as archives abroad print them (Polish, Czech/Slovak, Spanish, Italian,
    # Portuguese, Romanian, Hungarian, French, German, Russian/Ukrainian/Bulgarian)
    r"Archiwum|Arch[ií]v\w*|Archivo|Archivio|Arquivo|Arhiva|Lev[ée]lt[áa]r|Biblioth[èe]que|Biblioteka|"
    r"Minist[èe]re|Ministerstv\w*|Ministerul|Ministerio|Ministero|Bundesamt|"
    r"Архив\w*|Архів\w*|Библиотек\w*|Министерств\w*|Центр\w*|Институт\w*)\b"
    # Chinese, Japanese and Korean names end in the word without a space before it
    r"|档案馆|檔案館|档案局|檔案局|文書館|公文書館|図書館|图书馆|圖書館|기록원|기록관|문서보관소|외교사료관|外交史料館",
    re.I,
)
# What starts a reference (a part of a holding), not a repository's name.
_REFERENCE_START = re.compile(r"^\s*(?:box|folder|file|fond|opis|delo|record group|RG|series|lot|reel)\b", re.I)
# Published sources: a citation naming one cites a publication, not a holding.
_PUBLICATIONS = re.compile(
    r"\b(?:Public Papers of the Presidents|Foreign Relations of the United States|FRUS\b|"
    r"Department of State Bulletin|(?:CWIHP |Cold War International History Project )Bulletin|"
    r"Documents on [A-Z]|Pravda|Izvestia|Izvestiya|Rodong Sinmun|People's Daily|Renmin Ribao|"
    r"New York Times|Washington Post|Congressional Record|Weekly Compilation of Presidential Documents|"
    r"(?:published|printed|reprinted) in\b)",
    re.I,
)


def is_repository_name(text: str) -> bool:
    """Whether `text` can be a repository's name: a known name or code, or a phrase with a word
    holding institutions are named by (Archive, Library, Ministry, Department...) that does not
    start like a reference (`Record Group 59`, `box 4`), and not a published source."""
    text = text.strip()
    if not text or len(text) > 150 or publication_of(text):
        return False
    if _key(text) in _shipped_keys():
        return True
    return bool(_REPOSITORY_WORDS.search(text)) and not _REFERENCE_START.match(text)


def publication_of(text: str) -> str | None:
    """The published source `text` names (`Public Papers of the Presidents`), or None."""
    found = _PUBLICATIONS.search(text)
    return found.group(0) if found else None


def _key(name: str) -> str:
    """The form names are compared in: NFKC, case-folded, without diacritics, punctuation or a
    leading 'the'."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    # diacritics never make a second repository (`Auswärtiges` / `Auswartiges`)
    folded = "".join(c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c))
    folded = re.sub(r"[^\w\s]", " ", folded)
    words = folded.split()
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words)


@lru_cache(maxsize=1)
def shipped() -> tuple[Entity, ...]:
    """The repositories fonds ships (`fonds/data/repositories.tsv`) as authority entries."""
    forms: dict[str, list[str]] = {}
    for form, code in repository_forms().items():
        forms.setdefault(code, []).append(form)
    return tuple(
        Entity(
            id=f"{ID_PREFIX}{code}",
            preferred=name,
            kind=KIND,
            description=place or None,
            variants=(Variant(code, "code", SHIPPED_SOURCE),
                      *(Variant(form, "variant", SHIPPED_SOURCE) for form in forms.get(code, ()))),
            sources=(SHIPPED_SOURCE,),
        )
        for code, (name, place) in repositories().items()
    )


@lru_cache(maxsize=1)
def _shipped_keys() -> frozenset[str]:
    return frozenset(_key(name) for entity in shipped() for name in (entity.preferred, *(v.name for v in entity.variants)))


def code_of(entity: Entity) -> str | None:
    """The entry's code (its variant of kind "code"), or None."""
    return next((v.name for v in entity.variants if v.kind == "code"), None)


class HasEntities(Protocol):
    def iter_entities(self, kind: str | None = None) -> Iterator[Entity]: ...


@dataclass(frozen=True)
class Candidate:
    """A printed repository name that is no known form, and the entry it most resembles."""

    printed: str
    entity: Entity
    score: float
    records: tuple[str, ...]


class Repositories:
    """The repository authority of one archive: shipped entries overlaid by the store's.

    A stored entry adds its variants to the shipped one of the same id, or replaces it when staff
    edited it (`EDITED_SOURCE` among its sources). `aliases` maps the id of a repository merged
    into another to the kept one's (repository_edits.py); a merged entry is no entry any more,
    its names are the kept one's variants (of a RETIRED kind)."""

    def __init__(self, entries: Iterable[Entity], aliases: Mapping[str, str] | None = None) -> None:
        self.aliases: dict[str, str] = dict(aliases or {})
        self.entries: dict[str, Entity] = {}
        for entry in entries:
            if entry.id in self.aliases:
                continue
            known = self.entries.get(entry.id)
            edited = EDITED_SOURCE in entry.sources
            self.entries[entry.id] = entry if known is None or edited else known.with_variants(entry.variants)
        self._by_key: dict[str, Entity] = {}
        self._retired: dict[str, Entity] = {}
        self._preferred = {_key(entry.preferred) for entry in self.entries.values()}
        for entry in self.entries.values():
            for name in (entry.preferred, *(v.name for v in entry.variants)):
                self._by_key.setdefault(_key(name), entry)
            for variant in entry.variants:
                if variant.kind in RETIRED:
                    self._retired.setdefault(_key(variant.name), entry)

    @classmethod
    def of(cls, store: HasEntities) -> Repositories:
        """The shipped entries, with the variants, entries and merges the store holds."""
        aliases = {e.id: e.sources[0] for e in store.iter_entities(kind=ALIAS) if e.id.startswith(ID_PREFIX) and e.sources}
        return cls([*shipped(), *store.iter_entities(kind=KIND)], aliases)

    def current_id(self, entity_id: str) -> str:
        """The id an entry goes by now: itself, or the repository it was merged into (followed to the end)."""
        seen = {entity_id}
        while entity_id in self.aliases:
            entity_id = self.aliases[entity_id]
            if entity_id in seen:
                break
            seen.add(entity_id)
        return entity_id

    def retired(self, name: str) -> Entity | None:
        """The entry a retired name (a former name or code, a merged repository's) now belongs to."""
        entry = self._retired.get(_key(name))
        if entry is None or _key(name) in self._preferred:  # a name some repository goes by now: no redirect
            return None
        return entry

    def resolve(self, printed: str | None) -> Entity | None:
        """The entry a printed name is a known form of (case and punctuation aside), or None."""
        return self._by_key.get(_key(printed)) if printed else None

    def apply(self, record: Record) -> Record:
        """The record with its repository under the entry's preferred name (found by the printed
        name, else by the printed code: `Архив внешней политики РФ (АВП РФ)`), the printed form kept
        in `repository_printed` when it differs; unchanged if the name is unknown. The code stays
        as printed (the authority's code is for look-ups, not added to the citation), unless it is
        a retired code of the entry (a former code, a merged repository's): then it is the entry's."""
        source = record.source
        printed = source.repository_printed or source.repository
        entry = self.resolve(printed)
        if entry is None and printed and source.repository_code:  # `Name (CODE)`: a name in another script
            entry = self.resolve(source.repository_code)
        if entry is None or printed is None:
            return record
        kept = printed if printed != entry.preferred else None
        code = source.repository_code
        if code and self._retired.get(_key(code)) is entry:  # a former code, or a merged repository's
            code = code_of(entry) or code
        if (source.repository, source.repository_printed, source.repository_code) == (entry.preferred, kept, code):
            return record
        return replace(record, source=replace(source, repository=entry.preferred, repository_printed=kept,
                                              repository_code=code))

    def apply_all(self, records: Sequence[Record]) -> list[Record]:
        return [self.apply(record) for record in records]

    def candidates(self, records: Iterable[Record]) -> list[Candidate]:
        """Printed repository names that resolve to no entry but resemble one (rapidfuzz ratio of
        the compared forms >= CANDIDATE_SCORE): typos for staff to confirm, most records first."""
        unknown: dict[str, list[str]] = {}
        for record in records:
            printed = record.source.repository_printed or record.source.repository
            if printed and self.resolve(printed) is None:
                unknown.setdefault(printed, []).append(record.id)
        choices = {key: entry for key, entry in self._by_key.items()}
        found: list[Candidate] = []
        for printed, ids in unknown.items():
            best = process.extractOne(_key(printed), list(choices), scorer=fuzz.ratio, score_cutoff=CANDIDATE_SCORE)
            if best is not None:
                found.append(Candidate(printed, choices[best[0]], float(best[1]), tuple(ids)))
        return sorted(found, key=lambda c: (-len(c.records), c.printed))

    def confirm(self, printed: str, entity_id: str) -> Entity:
        """The entry `entity_id` with `printed` added as a confirmed variant (to be stored).
        Raises KeyError if there is no such entry."""
        entry = self.entries[entity_id]
        return entry.with_variants((Variant(printed, "variant", CONFIRMED_SOURCE),))


def confirm_variant(store: Store, printed: str, entity_id: str) -> int:
    """Confirm `printed` as a form of the repository `entity_id`: store the entry with the new
    variant and move every record printing that name under it, in one transaction. Returns how
    many records changed. Raises FondsError (NotFound) for an unknown entry id."""
    from fonds.errors import NotFound

    authority = Repositories.of(store)
    if entity_id not in authority.entries:
        known = ", ".join(sorted(authority.entries)[:8])
        raise NotFound(f"no repository {entity_id!r} in the authority; ids look like {known} ...")
    entry = authority.confirm(printed, entity_id)
    updated = Repositories([*authority.entries.values(), entry])
    changed = [
        moved
        for record in store.iter_records()
        if (record.source.repository_printed or record.source.repository) == printed
        and (moved := updated.apply(record)) != record
    ]
    store.add(changed, entities=[entry])
    return len(changed)
