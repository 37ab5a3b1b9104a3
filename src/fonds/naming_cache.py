"""The archive's names (`naming.Names`), kept per state of the authority so a server does not
generate every variant again at each start or each index change.

Generating the variants of every entry (`variants.complete`: romanizations, Russian cases, OCR
slips...) costs time that grows with the authority, not with the work at hand. `names(store,
folder)` returns the Names for the store's live authority entries:

1. from this process's memory, if the authority is unchanged since it was last built;
2. else from `folder/names.json` (beside the index), if that file was written for the same
   authority;
3. else built (`Names.build`) and written there for the next start (atomically; a folder that
   cannot be written is only a missed saving).

In memory the Names are also kept under the store's `authority_state` (a digest of the stored
entries' content hashes, read in one query), so asking again after an index change that did not
touch the authority reads no entry.

"The same authority" is a SHA-256 over every live entry (its Record JSON form) and over the code
and data that variants are generated from (the fonds modules and `fonds/data` files named in
SOURCES), so a changed entry, a new curated person or a new fonds release never reads a stale file.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from importlib.resources import files
from pathlib import Path
from typing import Sequence

from fonds.authority import Entity
from fonds.naming import HasEntities, Names, live_entities

FILE = "names.json"
SOURCES = ("naming.py", "variants.py", "romanize.py", "linking.py", "authority.py", "analysis.py")
_MEMO: dict[str, Names] = {}
_LOCK = threading.Lock()
_code: list[bytes] = []


def _code_digest() -> bytes:
    """A digest of the modules and data files variants are generated from (computed once per process)."""
    if not _code:
        digest = hashlib.sha256()
        package = files("fonds")
        for name in SOURCES:
            digest.update(package.joinpath(name).read_bytes())
        for item in sorted(package.joinpath("data").iterdir(), key=lambda p: p.name):
            if item.is_file():
                digest.update(item.name.encode() + item.read_bytes())
        _code.append(digest.digest())
    return _code[0]


def fingerprint(live: Sequence[Entity]) -> str:
    """What a Names depends on: the live entries and the code and data that generate variants."""
    digest = hashlib.sha256(_code_digest())
    for entity in live:
        digest.update(json.dumps(entity.to_dict(), sort_keys=True, ensure_ascii=False).encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


def names(store: HasEntities, folder: Path | None = None) -> Names:
    """The Names of the store's live authority entries: remembered, read from `folder`, or built.

    A store with `authority_state` (fonds.store.base.Store) is asked for that digest of its stored
    content hashes first: while it is unchanged, the Names in memory are returned without reading
    or hashing any entry, so a server asks this at every index change for the cost of one query.

    Raises what reading the store raises (fonds.errors.StoreError); a missing or unreadable
    cache file only means the names are built.
    """
    state = getattr(store, "authority_state", None)
    quick = f"state:{state()}" if callable(state) else None
    if quick is not None:
        with _LOCK:
            known = _MEMO.get(quick)
        if known is not None:
            return known
    live = live_entities(store)
    key = fingerprint(live)
    with _LOCK:
        known = _MEMO.get(key)
    if known is None:
        known = _read(folder / FILE, key) if folder is not None else None
        if known is None:
            known = Names.build(live)
            if folder is not None:
                _write(folder / FILE, key, known)
    with _LOCK:
        if len(_MEMO) >= 4:  # the authority before a change, and after it (by content and by state)
            _MEMO.clear()
        _MEMO[key] = known
        if quick is not None:
            _MEMO[quick] = known
    return known


def _read(path: Path, key: str) -> Names | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("key") != key:
            return None
        return Names(
            entities=tuple(Entity.from_dict(item) for item in data["entities"]),
            missing_curated=tuple(Entity.from_dict(item) for item in data["missing_curated"]),
            held=tuple(Entity.from_dict(item) for item in data["held"]),
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):  # damaged: build again
        return None


def _write(path: Path, key: str, found: Names) -> None:
    data = {
        "key": key,
        "entities": [e.to_dict() for e in found.entities],
        "missing_curated": [e.to_dict() for e in found.missing_curated],
        "held": [e.to_dict() for e in found.held],
    }
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)
    except OSError:
        tmp.unlink(missing_ok=True)
