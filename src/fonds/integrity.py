"""The archive's invariants, checked (`fonds check`) and mended (`fonds repair`).

Invariants a store keeps (see docs/reliability.md):

- no person link points to an authority entry the store does not hold (both stores refuse one;
  a database written by an older fonds may still hold some);
- no post-ingest work is left half done (`Store.pending`: a reconciliation cut short by a crash);
- every live record reads back as Record JSON the door would accept (importers.record_schema); a row
  that cannot be decoded at all is listed by id too (every other reader leaves it out and logs it);
- every live record is in the search index (a record it could not take is noted in the store:
  fonds.containment), and the index folder is there, readable and this store's (`check_index`).

`check` reports each broken invariant as a Problem; `repair` finishes pending work, points
dangling links at the entry their persons-list entry was merged into, and gives the links left
an entry of their own (named as the link names it), so nothing a record says is lost. It clears
the index-failed/page-failed marks of records deleted or withdrawn since, and names pending work
it does not know how to finish instead of passing over it in silence. Both are
idempotent: `repair` on a sound store changes nothing.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from fonds.authority import Entity
from fonds.containment import INDEX_FAILED, PAGE_FAILED, Failures, index_failures, one_line, page_failures
from fonds.errors import NotFound, Problem, RecordError, UnreadableRecord
from fonds.importers import record_schema
from fonds.store.base import Store

SHOWN = 20  # problems of one kind listed by name; the rest are counted


@dataclass
class RepairReport:
    finished: list[str] = field(default_factory=list)  # pending tasks run to the end
    relinked: int = 0  # records whose links were pointed at merged entries
    restored: int = 0  # authority entries made for links that had none
    cleared: int = 0  # index-failed/page-failed marks of records gone or withdrawn since
    unknown: list[str] = field(default_factory=list)  # pending tasks this fonds cannot finish

    def summary(self) -> str:
        done = ", ".join(self.finished) or "no pending work"
        text = (f"finished: {done}; {self.relinked} records relinked; {self.restored} authority entries restored; "
                f"{self.cleared} marks of records gone or withdrawn cleared")
        if self.unknown:
            text += (f"; left as they are: {', '.join(repr(t[:80]) for t in self.unknown)}, pending work this fonds "
                     "does not know how to finish (written by a newer fonds, or by hand)")
        return text


def check(store: Store, *, limit: int = SHOWN) -> list[Problem]:
    """Every broken invariant of the store, at most `limit` of each kind by name plus a count."""
    problems: list[Problem] = []
    dangling = store.dangling_links(limit=100_000)
    for record_id, entity_id in dangling[:limit]:
        problems.append(
            Problem(f"record {record_id!r}", f"links to authority entry {entity_id!r}, which does not exist")
        )
    if len(dangling) > limit:
        problems.append(Problem("store", f"{len(dangling) - limit} more dangling person links"))
    failed = index_failures(store)
    for task, state in store.pending().items():
        if task.startswith((INDEX_FAILED, PAGE_FAILED)):
            continue
        shown = f" (stopped at {state})" if state else ""
        problems.append(Problem("store", f"post-ingest step {task!r} was started and not finished{shown}"))
    for record_id, message in sorted(failed.items())[:limit]:
        problems.append(Problem(f"record {record_id!r}", f"the search index could not take it ({message}); "
                                "it is tried again on every index update (see the log)"))
    if len(failed) > limit:
        problems.append(Problem("store", f"{len(failed) - limit} more records the search index could not take"))
    unshown = page_failures(store)
    for record_id, message in sorted(unshown.items())[:limit]:
        problems.append(Problem(f"record {record_id!r}", f"its web page could not be drawn ({message}); readers get "
                                "its plain text meanwhile (see the log)"))
    if len(unshown) > limit:
        problems.append(Problem("store", f"{len(unshown) - limit} more records whose web page could not be drawn"))
    bad = 0
    unreadable = Failures("check")
    for record in store.iter_records(failures=unreadable):
        try:
            record_schema.check(record.to_dict(), origin=f"record {record.id!r}")
        except RecordError as error:
            bad += 1
            if bad <= limit:
                said = str(error).split(": ", 1)[1].removeprefix(f"record {record.id[:60]!r}: ")  # named once
                problems.append(Problem(f"record {record.id!r}", said))
    if bad > limit:
        problems.append(Problem("store", f"{bad - limit} more records the door would refuse"))
    for failure in unreadable.items[:limit]:
        reason = failure.message.removeprefix(f"UnreadableRecord: record {failure.record_id!r}: ")
        problems.append(Problem(f"record {failure.record_id!r}", reason))
    if len(unreadable) > limit:
        problems.append(Problem("store", f"{len(unreadable) - limit} more records whose stored data cannot be read"))
    return problems


REINDEX = "run `fonds reindex` to build it again from the store"


def check_index(path: Path, store: Store) -> list[Problem]:
    """What is wrong with the search index folder at `path`, read without opening it for
    writing and without creating anything: missing, not a folder, unreadable, without a readable
    checkpoint, built by another version of fonds, Tantivy's files missing or damaged, or ahead of
    the store's change log (an index of another database, or a store restored from an older
    backup). Each problem says to run `fonds reindex`."""
    import tantivy

    from fonds.index_writing import INDEX_VERSION

    where = f"search index {path}"
    if not path.exists():
        return [Problem(where, f"is missing: searches find nothing; {REINDEX}")]
    if not path.is_dir():
        return [Problem(where, f"is not a folder; move it away, then {REINDEX}")]
    checkpoint = path / "fonds-index.json"
    try:
        entries = set(os.listdir(path))
        meta = json.loads(checkpoint.read_text(encoding="utf-8")) if checkpoint.name in entries else None
    except OSError as error:
        return [Problem(where, f"cannot be read ({one_line(error)}); let fonds read it, or move it away and {REINDEX}")]
    except ValueError as error:  # not JSON, or not UTF-8
        return [Problem(where, f"its checkpoint {checkpoint.name} cannot be read ({one_line(error)}); {REINDEX}")]
    last = store.last_seq()
    if meta is None or not isinstance(meta, dict) or not isinstance(meta.get("seq"), int):
        if last == 0 and not entries - {"meta.json", ".tantivy-meta.lock", ".tantivy-writer.lock", ".managed.json"}:
            return []  # a new, empty archive
        return [Problem(where, f"holds no readable checkpoint ({checkpoint.name}); {REINDEX}")]
    if meta.get("version") != INDEX_VERSION:
        return [Problem(where, f"was built by another version of fonds (index version {meta.get('version')!r}; this "
                               f"fonds reads {INDEX_VERSION}): it is deleted and built again when next opened; {REINDEX} now")]
    try:
        tantivy.Index.open(str(path))
    except ValueError as error:
        return [Problem(where, f"Tantivy's files cannot be opened ({one_line(error)}); {REINDEX}")]
    if meta["seq"] > last:
        return [Problem(where, f"has applied the change log up to {meta['seq']:,}, but the store's ends at {last:,}: it "
                               f"belongs to another database, or the store was restored from an older backup; {REINDEX}")]
    return []


def repair(store: Store) -> RepairReport:
    """Finish pending work and mend dangling links (see the module docstring)."""
    from fonds.convergence import RELINK, relink_all
    from fonds.importers.authority_files import RECONCILE, reconcile

    report = RepairReport()
    from fonds.repository_edits import REPOINT, repoint

    if REPOINT in store.pending():  # a repository edit or merge cut short
        report.relinked += repoint(store, [], agent="fonds repair", note="repository re-pointing finished")
        report.finished.append(REPOINT)
    if RELINK in store.pending():
        report.relinked += relink_all(store)
        report.finished.append(RELINK)
    if RECONCILE in store.pending() or store.dangling_links(limit=1):
        report.relinked += reconcile(store).relinked
        report.finished.append(RECONCILE)
    while dangling := store.dangling_links(limit=1000):
        names: dict[str, str] = {}
        for record_id, entity_id in dangling:
            if entity_id in names:
                continue
            record = store.get(record_id)
            names[entity_id] = next((p.name for p in record.persons if p.id == entity_id), entity_id)
        store.put_entities(
            Entity(id=entity_id, preferred=name or entity_id, sources=("fonds repair",))
            for entity_id, name in names.items()
        )
        report.restored += len(names)
    report.cleared = _clear_marks_of_gone_records(store)
    known = (REPOINT, RELINK, RECONCILE, INDEX_FAILED, PAGE_FAILED)
    report.unknown = sorted(task for task in store.pending() if not task.startswith(known))
    return report


def _clear_marks_of_gone_records(store: Store) -> int:
    """Clear the index-failed/page-failed marks of records deleted, withdrawn or never stored: no
    update or page view would ever clear them. A mark of a record that cannot be read stays."""
    cleared = 0
    for task in store.pending():
        if not task.startswith((INDEX_FAILED, PAGE_FAILED)):
            continue
        try:
            gone = store.get_stored(task.split(":", 1)[1]).is_deleted
        except NotFound:
            gone = True
        except UnreadableRecord:
            gone = False
        if gone:
            store.clear_pending(task)
            cleared += 1
    return cleared
