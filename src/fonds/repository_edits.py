"""Editors' changes to the repository authority: edit a repository, merge two.

Repositories are authority entries like persons (`Entity(kind="repository")`, ids `repo:CODE`):
fonds ships some (`data/repositories.tsv`) and the archive keeps its own in the store's entities
table, in both stores. An edited entry is stored whole with the source `edited by staff` and
then replaces the shipped one (repositories.py).

- edit: name, code, place, other forms (one per line). A changed name or code stays as a variant
  of kind `former name` / `former code`, so citations printing it still resolve, and every record
  under the repository is re-pointed to the new name (and a record carrying the old code gets the
  new one).
- merge X into Y: Y gains X's name, code and forms as variants (`merged`, `former code`), X's entry
  becomes an `alias` pointing to Y (its old address, and a search filtered by its old name,
  redirect), and every record naming X is re-pointed to Y.

Re-pointing goes through the records in id order in batches of BATCH; each batch is one `add`
(records and, in the first one, the authority entries: one transaction), each changed record a
new version with the note "merge repository X into Y" (or "repository X edited"). The task marks
itself pending in the store (`set_pending`, as convergence.py does) with the last id done, so a
run cut short goes on from there when run again (`fonds repository repoint`, or the same merge).
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Iterator

from fonds.authority import Entity, Variant
from fonds.errors import FondsError, NotFound
from fonds.record import Record
from fonds.repositories import ALIAS, EDITED_SOURCE, ID_PREFIX, KIND, Repositories, code_of, shipped
from fonds.store.base import Store
from fonds.text_rule import text_problem

BATCH = 500
REPOINT = "repoint repositories"  # pending-work mark; its state is JSON {"after", "agent", "note"}
# A repository code as citations print one (GAKO, SAPMO-BArch, АП РФ, RG 59): letters and digits
# of any script, with spaces and . - / & ( ) between, beginning and ending with a letter or digit
_CODE = re.compile(r"^[^\W_](?:[\w .\-/&()]{0,38}(?:[^\W_]|\)))?$")
_CODE_RULE = "letters, digits, spaces and . - / & ( ), beginning and ending with a letter or digit: GAKO, SAPMO-BArch"
MAX_NAME = 300
MAX_FORMS = 100


class RepositoryEditError(FondsError):
    """A repository edit, add, merge or split refused; `field` names the form field at fault ("" for none)."""

    status = 400

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def _clean(text: str, what: str, limit: int = MAX_NAME) -> str:
    value = " ".join(text.split())
    field = "forms" if what == "other forms" else what
    if "\x00" in text:
        raise RepositoryEditError(f"{what}: holds a NUL character; remove it", field)
    problem = text_problem(value)  # a control, a bidi override, a zero-width space... (fonds.text_rule)
    if problem is not None:
        raise RepositoryEditError(f"{what}: {problem}", field)
    if len(value) > limit:
        raise RepositoryEditError(f"{what}: {len(value):,} characters is too long for a repository's {what} "
                                  f"(at most {limit}); shorten it", field)
    return value


def entry(store: Store, entity_id: str) -> tuple[Repositories, Entity]:
    """The authority and one current entry of it. Raises NotFound, or RepositoryEditError for a merged one."""
    authority = Repositories.of(store)
    if entity_id in authority.aliases:
        raise RepositoryEditError(f"repository {entity_id} was merged into {authority.current_id(entity_id)}; "
                                  "edit that one")
    found = authority.entries.get(entity_id)
    if found is None:
        raise NotFound(f"there is no repository {entity_id!r}; ids look like repo:GARF (`fonds repository list`)")
    return authority, found


def edit_repository(store: Store, entity_id: str, *, name: str, code: str, place: str, forms: str,
                    agent: str) -> int:
    """Store the entry with a new name, code, place and other forms (one per line); returns how
    many records were re-pointed. Raises RepositoryEditError for an empty name or a bad code."""
    authority, old = entry(store, entity_id)
    name = _clean(name, "name")
    code = _clean(code, "code", 40)
    place = _clean(place, "place")
    if not name:
        raise RepositoryEditError(f"repository {entity_id}: a repository needs a name")
    if code and not _CODE.match(code):
        raise RepositoryEditError(f"repository {entity_id}: code {code[:40]!r} is not a code ({_CODE_RULE})")
    other = authority.resolve(name) or (authority.resolve(code) if code else None)
    if other is not None and other.id != entity_id:
        raise RepositoryEditError(f"{name if authority.resolve(name) else code!r} is already a form of {other.id} "
                                  f"({other.preferred}); merge the two repositories instead")
    if "\x00" in forms:
        raise RepositoryEditError("other forms: hold a NUL character; remove it")
    lines = [_clean(line, "other forms") for line in forms.splitlines()]
    if len([line for line in lines if line]) > MAX_FORMS:
        raise RepositoryEditError(f"other forms: {len(lines):,} lines are more than a repository has ({MAX_FORMS}); "
                                  "keep the forms citations print")
    kinds = {v.name: v for v in old.variants if v.kind != "code"}
    variants: list[Variant] = [Variant(code, "code", EDITED_SOURCE)] if code else []
    variants += [kinds.get(form, Variant(form, "variant", EDITED_SOURCE)) for form in dict.fromkeys(lines) if form]
    variants += [v for v in old.variants if v.kind in ("former name", "former code", "merged") and v.name not in lines]
    old_code = code_of(old)
    if old.preferred != name:
        variants.append(Variant(old.preferred, "former name", entity_id))
    if old_code and old_code != code:
        variants.append(Variant(old_code, "former code", entity_id))
    unique = list({v.name: v for v in reversed(variants) if v.name != name}.values())[::-1]
    edited = replace(old, preferred=name, description=place or None, variants=tuple(unique),
                     sources=tuple(dict.fromkeys((EDITED_SOURCE, *old.sources))))
    return repoint(store, [edited], agent=agent, note=f"repository {entity_id} edited")


def add_repository(store: Store, *, code: str, name: str, place: str, forms: str, agent: str) -> tuple[str, int]:
    """Add one of the archive's own repositories (id `repo:CODE`); records printing its name, code
    or forms go under it. Returns (id, records re-pointed). Raises RepositoryEditError (its `field`
    one of name, code, place, forms) for a missing name or code, a control character, or a name,
    code or form that is already a repository's; nothing is stored then."""
    code, name = _clean(code, "code", 40), _clean(name, "name")
    if not name:
        raise RepositoryEditError("name: a new repository needs a name", "name")
    if not code or not _CODE.match(code):
        raise RepositoryEditError(f"code: a new repository needs a code ({_CODE_RULE})", "code")
    place = _clean(place, "place")
    lines = [_clean(line, "other forms") for line in forms.splitlines() if line.strip()]
    if len(lines) > MAX_FORMS:
        raise RepositoryEditError(f"other forms: {len(lines):,} lines are more than a repository has ({MAX_FORMS}); "
                                  "keep the forms citations print", "forms")
    authority = Repositories.of(store)
    entity_id = f"{ID_PREFIX}{code}"
    for given, field, typed in ((entity_id, "code", code), (name, "name", name), (code, "code", code),
                                *((line, "forms", line) for line in lines)):
        found = authority.entries.get(given) or authority.resolve(given)
        if found is not None or given in authority.aliases:
            shown = found.id if found is not None else f"{given}, merged into {authority.current_id(given)}"
            raise RepositoryEditError(f"{field}: {typed!r} is already repository {shown}; edit that one", field)
    new = Entity(id=entity_id, preferred=name, kind=KIND, description=place or None,
                 variants=(Variant(code, "code", EDITED_SOURCE),
                           *(Variant(f, "variant", EDITED_SOURCE) for f in dict.fromkeys(lines) if f != name)),
                 sources=(EDITED_SOURCE,))
    return entity_id, repoint(store, [new], agent=agent, note=f"repository {entity_id} added")


def merge_repositories(store: Store, merged_id: str, kept_id: str, *, agent: str) -> int:
    """Fold repository `merged_id` into `kept_id`; returns how many records were re-pointed.

    Either may be given by id (`repo:GARF`), code or name. Run again after an interruption, it
    finishes the re-pointing. Raises RepositoryEditError for a
    merge into itself or into a merged repository, NotFound for an unknown id.
    """
    authority = Repositories.of(store)
    merged_id, kept_id = known_id(authority, merged_id), known_id(authority, kept_id)
    if merged_id == kept_id:
        raise RepositoryEditError(f"repository {merged_id}: a repository cannot be merged into itself")
    if authority.aliases.get(merged_id) == kept_id:  # merged already: finish what an interrupted run left
        return repoint(store, [], agent=agent, note=f"merge repository {merged_id} into {kept_id}")
    if authority.current_id(kept_id) == merged_id:
        raise RepositoryEditError(f"repository {kept_id} was merged into {merged_id} already: they are one repository")
    if kept_id in authority.aliases:
        raise RepositoryEditError(f"repository {kept_id} was merged into {authority.current_id(kept_id)} already; "
                                  "merge into that one")
    if merged_id in authority.aliases:
        raise RepositoryEditError(f"repository {merged_id} was merged into {authority.current_id(merged_id)} already")
    _, merged = entry(store, merged_id)
    _, kept = entry(store, kept_id)
    extra = [Variant(merged.preferred, "merged", merged_id)]
    merged_code = code_of(merged)
    if merged_code:
        extra.append(Variant(merged_code, "former code", merged_id))
    extra += [Variant(v.name, "merged", merged_id) for v in merged.variants if v.kind != "code"]
    names = {kept.preferred, *(v.name for v in kept.variants)}
    kept_new = replace(kept, variants=(*kept.variants, *(v for v in extra if v.name not in names)),
                       sources=tuple(dict.fromkeys((EDITED_SOURCE, *kept.sources))))
    alias = Entity(id=merged_id, preferred=merged.preferred, kind=ALIAS, description=f"see {kept_id}",
                   sources=(kept_id,))
    return repoint(store, [kept_new, alias], agent=agent, note=f"merge repository {merged_id} into {kept_id}")


def merged_into(authority: Repositories, kept_id: str) -> list[tuple[str, str]]:
    """The repositories merged straight into `kept_id`, as (id, name) sorted by name: what a split can undo."""
    kept = authority.entries.get(kept_id)
    names: dict[str | None, str] = {}
    for v in kept.variants if kept else ():
        if v.kind == "merged":
            names.setdefault(v.source, v.name)  # the merge adds the merged one's name first, then its forms
    return sorted(((old, names.get(old, old)) for old, new in authority.aliases.items() if new == kept_id),
                  key=lambda pair: pair[1].casefold())


def split_repository(store: Store, kept_id: str, merged_id: str, *, agent: str) -> int:
    """Undo the merge of `merged_id` into `kept_id`; returns how many records were re-pointed.

    The merged repository is an entry again: its name, its code (a `former code` of the kept one)
    and its other forms (`merged` variants of the kept one, the variant's source naming it) move back
    to it, its alias goes, so its old address and searches by its name no longer redirect. A
    shipped repository gets its shipped place and forms back; an archive's own one its forms (its
    place was not kept by the merge: edit it). Every record whose printed repository form is now
    the merged repository's is re-pointed back (a new version each, "split repository X out of Y",
    in the merge's resumable batches); one carrying the kept code, which the merge wrote over the
    merged one's, gets the merged code again. `kept_id` may be given by id, code or name;
    `merged_id` by id, or by the name or code it had. Raises NotFound for an unknown id,
    RepositoryEditError for a repository never merged into `kept_id`.
    """
    authority = Repositories.of(store)
    kept_id = known_id(authority, kept_id)
    if kept_id in authority.aliases:
        raise RepositoryEditError(f"repository {kept_id} was itself merged into {authority.current_id(kept_id)}; "
                                  f"split {kept_id} out of that one first", "merged")
    _, kept = entry(store, kept_id)
    given = merged_id.strip()
    if given not in authority.aliases and given not in authority.entries:
        by_form = next((v.source for v in kept.variants if v.kind in ("merged", "former code") and v.source
                        and v.source in authority.aliases and v.name.casefold() == given.casefold()), None)
        if by_form is None:
            raise NotFound(f"there is no repository {given!r} merged into {kept_id}; "
                           f"`fonds repository show {kept_id}` lists what was merged into it")
        given = by_form
    merged_id = given
    note = f"split repository {merged_id} out of {kept_id}"
    pending = store.pending().get(REPOINT)
    if merged_id not in authority.aliases and pending and json.loads(pending).get("note") == note:
        return repoint(store, [], agent=agent, note=note)  # split already: finish what an interrupted run left
    if authority.aliases.get(merged_id) != kept_id:
        if merged_id in authority.aliases:
            into = authority.aliases[merged_id]
            raise RepositoryEditError(f"repository {merged_id} was merged into {into}, not into {kept_id}; "
                                      f"split it out of {into}", "merged")
        raise RepositoryEditError(f"repository {merged_id} was never merged into {kept_id}; there is nothing to split",
                                  "merged")
    alias = next(e for e in store.iter_entities(kind=ALIAS) if e.id == merged_id)
    mine = [v for v in kept.variants if v.source == merged_id and v.kind in ("merged", "former code")]
    shipped_entry = next((e for e in shipped() if e.id == merged_id), None)
    code = next((v.name for v in mine if v.kind == "former code"), None) or (
        code_of(shipped_entry) if shipped_entry else None)
    variants: list[Variant] = [Variant(code, "code", EDITED_SOURCE)] if code else []
    variants += [Variant(v.name, "variant", EDITED_SOURCE) for v in mine
                 if v.kind == "merged" and v.name not in (alias.preferred, code)]
    if shipped_entry is not None:
        variants += [v for v in shipped_entry.variants if v.kind != "code"]
    unique = tuple({v.name: v for v in reversed(variants) if v.name != alias.preferred}.values())[::-1]
    restored = Entity(id=merged_id, preferred=alias.preferred, kind=KIND,
                      description=shipped_entry.description if shipped_entry else None, variants=unique,
                      sources=(EDITED_SOURCE, f"split from {kept_id}"))
    kept_new = replace(kept, variants=tuple(v for v in kept.variants if v not in mine))
    kept_code = code_of(kept)
    recode = {restored.preferred: [kept_code, code]} if kept_code and code and kept_code != code else {}
    return repoint(store, [kept_new, restored], agent=agent, note=note, recode=recode)


def known_id(authority: Repositories, given: str) -> str:
    """An entry's id as given, or the id of the repository `given` names (a code or a name: `GARF`)."""
    given = given.strip()
    if given in authority.entries or given in authority.aliases:
        return given
    found = authority.resolve(given)
    return found.id if found is not None else given


def repoint(store: Store, entities: list[Entity], *, agent: str, note: str, batch: int | None = None,
            recode: dict[str, list[str]] | None = None) -> int:
    """Store `entities`, then put every live record under the repository the authority now gives it,
    in batches (the first holding the entities); returns how many records changed. Resumes a
    re-pointing left pending (with the agent, note and `recode` of the run that left it).
    `recode` maps a repository name to [old code, new code]: a record put under that name whose
    code is the old one gets the new one (a split gives back the code its merge wrote over)."""
    batch = batch or BATCH
    pending = store.pending().get(REPOINT)
    after = ""
    recode = dict(recode or {})
    if pending:
        state = json.loads(pending)
        after = str(state.get("after", "")) if not entities else ""
        if not entities:
            agent, note = str(state.get("agent", agent)), str(state.get("note", note))
            recode = {str(k): [str(c) for c in v] for k, v in dict(state.get("recode") or {}).items()}
    def mark(after: str) -> None:
        store.set_pending(REPOINT, json.dumps({"after": after, "agent": agent, "note": note, "recode": recode},
                                              ensure_ascii=False))
    mark(after)
    authority = Repositories.of(_Overlay(store, entities))
    changed = 0
    first = True
    while True:
        page = store.list_stored(after_id=after, limit=batch, include_deleted=False)
        fresh = [moved for stored in page if stored.record is not None
                 and (moved := _recoded(authority.apply(stored.record), recode)) != stored.record]
        if first and entities:
            changed += store.add(fresh, entities=entities, agent=agent, note=note).changed
        elif fresh:
            changed += store.add(fresh, agent=agent, note=note).changed
        first = False
        if not page:
            break
        after = page[-1].id
        mark(after)
    store.clear_pending(REPOINT)
    return changed


def _recoded(record: Record, recode: dict[str, list[str]]) -> Record:
    codes = recode.get(record.source.repository or "")
    if not codes or record.source.repository_code != codes[0]:
        return record
    return replace(record, source=replace(record.source, repository_code=codes[1]))


class _Overlay:
    """The store's entries with some about to be stored in their place (for the re-pointing that stores them)."""

    def __init__(self, store: Store, entities: list[Entity]) -> None:
        self.store = store
        self.entities = {e.id: e for e in entities}

    def iter_entities(self, kind: str | None = None) -> Iterator[Entity]:
        for stored in self.store.iter_entities(kind=kind):
            if stored.id not in self.entities:
                yield stored
        yield from (e for e in self.entities.values() if kind is None or e.kind == kind)


def follow_repositories(store: Store, record_ids: list[str], *, agent: str) -> int:
    """Put some records under the repository the authority gives them now (a record restored after
    its repository was merged or renamed while it was withdrawn); returns how many changed."""
    authority = Repositories.of(store)
    moved = []
    for record_id in record_ids:
        record = store.get(record_id)
        if (after := authority.apply(record)) != record:
            moved.append(after)
    return store.add(moved, agent=agent, note="repository merged or renamed while it was withdrawn").changed if moved else 0
