"""Writing the Tantivy index: each record's document, `update` and `rebuild`, the checkpoint, failures.

The write half of `fonds.index.Index` (whose methods `update` and `rebuild` call these): the index
is derived from the store's change log only. The checkpoint (the last change-log sequence number
applied, with INDEX_VERSION and the store's url) is saved in `fonds-index.json` in the index's
folder after each commit, replaced whole (a temporary file renamed over it), so a crash between a
commit and its checkpoint only makes the next `update` apply some changes twice, which gives the
same index. An update from checkpoint 0 reads the records once and commits once, as `rebuild` does.
A record that cannot be read or indexed is a failure of that record (fonds.containment), kept in the
store as pending work and tried again on every update.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any, Callable, Sequence

import tantivy

from fonds import rendition_text
from fonds.analysis import document_fields
from fonds.compiler import day
from fonds.containment import Failures, index_failures, remember_index_failures
from fonds.dates import SORT_LAST
from fonds.errors import NotFound, StoreError
from fonds.record import Record
from fonds.store.base import Store

if TYPE_CHECKING:
    from fonds.index import Index

INDEX_VERSION = 7  # 2: text no longer stored; stored-only snippet_text. 3: language fields (analysis.py).
# 4: date_sort is YYYYMMDDHHMM (HistoricalDate.sort_key), open dates' bounds from search_bounds. 5: rendition, rendition_spans
# 6: per-rendition text (rendition_text.py: rtext JSON fields, rtext_keys, solo)
# 7: snippet_text a stored text field (no terms), no longer bytes: documents read back in half the time
BATCH = 500
# The writer's memory budget, bytes (Tantivy's `heap_size`, one indexing thread). Tantivy writes a
# segment each time the budget fills. Its LogMergePolicy (8 segments of a size level merge into one;
# a segment under 10,000 documents counts as 10,000, and a level spans 0.75 in log2 of documents)
# puts segments under ~16,900 documents in the same level as the small segments each later ingest
# commits. With 64 MB a filled index of ~5 KB records was cut every ~15,000 documents, so at
# 100,000 records it held 7 such segments and the next 1,000-record ingest waited for all 100,000
# documents to be merged (4.2 s of 7.4). Filling with 160 MB cuts every ~47,000: a later ingest's
# segments merge among themselves (docs/benchmarks.md, "Adding 1,000 records to 100,000").
FILL_HEAP = 160_000_000
CHANGES_HEAP = 64_000_000  # an update that applies changes: its segments are small anyway
SNIPPET_CHARS = 20_000  # how much of each text snippets and `matched` look at

Progress = Callable[[int, int], None]


def document(record: Record, names: dict[str, Sequence[str]] | None = None) -> tantivy.Document:
    """The index document for a record. `names` gives each linked person's variants."""
    persons: list[str] = []
    for link in record.persons:
        persons.append(link.name)
        persons.extend((names or {}).get(link.id, ()))
    collections = list(record.collections)
    texts: list[tuple[str, str | None]] = [(record.title, None), (record.summary or "", None)]
    texts.extend((rendition.text, rendition.language) for rendition in record.renditions)
    return tantivy.Document(
        **document_fields(texts),
        id=record.id,
        title=record.title,
        summary=record.summary or "",
        text=record.text,
        snippet_text=record.text[:SNIPPET_CHARS],
        persons=" ; ".join(persons),
        repository_text=" ".join(filter(None, [record.source.repository, record.source.repository_code])),
        collection_text=" ".join(collections),
        type_text=record.type or "",
        lang=list(record.languages),
        repository=[record.source.repository] if record.source.repository else [],
        collection=collections,
        type=[record.type] if record.type else [],
        person_id=sorted({p.id for p in record.persons}),
        # `transcript` and `transcript/ru`: `rendition:transcript lang:ru` asks for a Russian transcript.
        rendition=sorted({v for r in record.renditions if r.text.strip() or r.images
                          for v in (r.kind, f"{r.kind}/{r.language}" if r.language else r.kind)}),
        rendition_spans=json.dumps(_rendition_spans(record)).encode("utf-8"),
        **rendition_text.document_fields(record),
        year=list(record.date.years),
        earliest=day(record.date.search_bounds[0], 0),  # an open side reaches past the archive's span
        latest=day(record.date.search_bounds[1], 99991231),
        date_sort=record.date.sort_key or SORT_LAST,  # YYYYMMDDHHMM: the time of day too
        date_text=record.date.text or "",
        type_stored=record.type or "",
    )


def _rendition_spans(record: Record) -> list[list[Any]]:
    """[kind, language, machine-made, start, end] for each rendition in `record.text`, in its order."""
    spans: list[list[Any]] = []
    offset = 0
    for rendition in record.renditions:
        if rendition.text:
            spans.append([rendition.kind, rendition.language, rendition.is_machine_made, offset, offset + len(rendition.text)])
            offset += len(rendition.text) + 2
    return spans


def update(index: Index, store: Store, *, progress: Progress | None = None, batch: int = BATCH) -> int:
    """Apply every change after the checkpoint, up to the last one logged when called, committing
    every `batch` changes. Returns how many were applied.

    The records linking an authority entry whose names changed since the index last wrote them
    (see `NAMES_FILE`) are indexed again too: a document holds its persons' variants.
    If another process holds the writer, returns 0: that process brings the index up to date.
    """
    with index._lock:
        last = store.last_seq()
        start = index.checkpoint
        if start > last:  # the store was replaced: start again
            return _rebuild_locked(index, store, progress)
        version, names = current_names(index, store)
        stale = _stale(index, names, version) if start else []
        if start == last and not stale:
            return 0
        try:
            writer = index.index.writer(heap_size=FILL_HEAP if start == 0 else CHANGES_HEAP, num_threads=1)
        except ValueError:
            return 0
        if start == 0:  # a new index (or one whose version changed): one pass, one commit, few segments
            _fill(index, writer, store, progress)
            return last
        applied = 0
        failures = Failures("index")
        done: list[str] = []
        try:
            if stale:  # noted as pending before the commit: a crash after it redoes them
                save_names(index, names, pending=stale)
                done.extend(_add_linking(writer, store, stale, names, failures))
                writer.commit()
                save_names(index, names)
                index.names_checked = version
            seq = start
            while seq < last:
                changes = [c for c in store.changes_since(seq, limit=batch) if c.seq <= last]
                if not changes:
                    break
                latest = {c.record_id: c for c in changes}
                for record_id, change in latest.items():
                    writer.delete_documents_by_term("id", record_id)
                    done.append(record_id)
                    if change.op != "delete":
                        _add(writer, store, record_id, names, failures)
                writer.commit()
                seq = changes[-1].seq
                save_checkpoint(index, seq, store)
                applied += len(changes)
                if progress:
                    progress(seq - start, last - start)
            seen = set(done)
            retry = [i for i in index_failures(store) if i not in seen]
            for record_id in retry:  # failed before: tried again on every update
                writer.delete_documents_by_term("id", record_id)
                done.append(record_id)
                _add(writer, store, record_id, names, failures)
            if retry:
                writer.commit()
        finally:
            writer.wait_merging_threads()
        index.index.reload()
        index.failures = failures
        remember_index_failures(store, failures, [i for i in done if i not in set(failures.ids)])
        return applied


def _add(writer: tantivy.IndexWriter, store: Store, record_id: str, names: dict[str, Sequence[str]],
         failures: Failures) -> None:
    """Index one stored record; a record deleted since is skipped, one that cannot be read or
    indexed is a failure of that record (fonds.containment), never the end of the update."""
    with failures.guard(record_id):
        try:
            record = store.get(record_id)
        except NotFound:  # deleted since: a later change says so
            return
        writer.add_document(document(record, names))


def _add_linking(writer: tantivy.IndexWriter, store: Store, entity_ids: Sequence[str],
                 names: dict[str, Sequence[str]], failures: Failures) -> list[str]:
    """Index again every live record linking one of these entries; their ids."""
    done: list[str] = []
    after = ""
    while True:
        page = store.records_linking(entity_ids, after_id=after, limit=BATCH)
        if not page:
            return done
        for record in page:
            with failures.guard(record.id):
                writer.delete_documents_by_term("id", record.id)
                writer.add_document(document(record, names))
                done.append(record.id)
        after = page[-1].id


def rebuild(index: Index, store: Store, *, progress: Progress | None = None) -> int:
    """Delete every document and fill the index from the store's records. Returns how many records.

    Raises StoreError when another process holds the index's writer.
    """
    with index._lock:
        return _rebuild_locked(index, store, progress)


def _rebuild_locked(index: Index, store: Store, progress: Progress | None) -> int:
    try:
        writer = index.index.writer(heap_size=FILL_HEAP, num_threads=1)
    except ValueError as error:
        raise StoreError(
            f"{index.path}: another fonds process is writing the index ({error}); stop it and try again"
        ) from None
    return _fill(index, writer, store, progress)


def _fill(index: Index, writer: tantivy.IndexWriter, store: Store, progress: Progress | None) -> int:
    """Replace the whole index with the store's records, in one commit. Returns how many records."""
    last = store.last_seq()
    version, names = current_names(index, store)
    count = 0
    total = store.stats().records
    failures = Failures("index")
    done: list[str] = []
    index.facet_counts.forget()  # another store may reach the same checkpoint number with other records
    try:
        writer.delete_all_documents()
        for record in store.iter_records(failures=failures):  # a row that cannot be read is a failure too
            with failures.guard(record.id):
                writer.add_document(document(record, names))
                done.append(record.id)
            count += 1
            if progress and count % BATCH == 0:
                progress(count, total)
        writer.commit()
        save_names(index, names)
        index.names_checked = version
        save_checkpoint(index, last, store)
    finally:
        writer.wait_merging_threads()
    index.index.reload()
    index.failures = failures
    remember_index_failures(store, failures, done, complete=True)
    if progress:
        progress(count, total)
    return count


def save_checkpoint(index: Index, seq: int, store: Store) -> None:
    """Write the checkpoint `seq` (the last change-log sequence number applied) beside the index, whole."""
    tmp = index._meta_path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"version": INDEX_VERSION, "seq": seq, "store": store.url}))
    tmp.replace(index._meta_path)


def entity_names(store: Store) -> dict[str, Sequence[str]]:
    """Each authority entry's names by entity id: the variants a document adds to its persons."""
    return {entity.id: entity.names for entity in store.iter_entities()}


NAMES_FILE = "fonds-index-names.json"  # beside the checkpoint: the names the index's documents were built with


def _digest(names: Sequence[str]) -> str:
    return hashlib.sha1("\x1f".join(names).encode("utf-8")).hexdigest()[:16]


def current_names(index: Index, store: Store) -> tuple[str, dict[str, Sequence[str]]]:
    """The store's `authority_version` and `entity_names`, the names read again only when that
    version moved since this Index object last read them (a process following the change log asks
    at every step: one indexed lookup while the authority stays as it is)."""
    version = store.authority_version()  # before the names: an entry changed after this is read next time
    known = index.names_read
    if known is not None and known[0] == version:
        return known
    names = entity_names(store)
    index.names_read = (version, names)
    return version, names


def _stale(index: Index, names: dict[str, Sequence[str]], version: str) -> list[str]:
    """`stale_entities`, compared (the names file read, a digest per entry) only when the authority's
    version is not the one this Index object last found nothing stale at, or wrote the names of;
    an index that never wrote its names takes its documents as they are and writes them now."""
    if index.names_checked == version:
        return []
    stale = stale_entities(index, names)
    if stale is None:  # an index made before its names were kept: its documents are taken as they are
        save_names(index, names)
        stale = []
    if not stale:
        index.names_checked = version
    return stale


def stale_entities(index: Index, names: dict[str, Sequence[str]]) -> list[str] | None:
    """The entries whose names differ from those the index's documents were built with (added,
    changed or gone since), and those a crash left pending; None for an index that never wrote
    its names (made before they were kept)."""
    try:
        saved = json.loads((index.path / NAMES_FILE).read_text())
        written: dict[str, str] = saved["names"]
        pending: list[str] = saved.get("pending", [])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    digests = {entity_id: _digest(variants) for entity_id, variants in names.items()}
    changed = {e for e in digests.keys() | written.keys() if digests.get(e) != written.get(e)}
    return sorted(changed | set(pending))


def save_names(index: Index, names: dict[str, Sequence[str]], *, pending: Sequence[str] = ()) -> None:
    """Write, whole, the names the index's documents are built with (a digest per entry) and the
    entries whose records are being indexed again (`pending`, cleared after that commit)."""
    digests = {entity_id: _digest(variants) for entity_id, variants in names.items()}
    path = index.path / NAMES_FILE
    tmp = path.with_suffix(".tmp-names")
    tmp.write_text(json.dumps({"names": digests, "pending": list(pending)}))
    tmp.replace(path)
