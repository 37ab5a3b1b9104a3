"""The raw stack, with no fonds code in between: json + sqlite3 + tantivy.

The baseline for ingest and library search. The Tantivy schema and analyzer
match what fonds builds (same fields, same filters), written out here again so
that nothing in this module imports fonds. Writer settings match fonds too
(64 MB heap, one indexing thread), so the ratio measures fonds's own overhead.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import tantivy

TOKENIZER = "bench_en"
DEFAULT_FIELDS = ["title", "summary", "text", "persons"]
BOOSTS = {"title": 3.0, "summary": 1.5, "text": 1.0, "persons": 2.0}
FACETS = {
    "language": ("lang", 60),
    "repository": ("repository", 30),
    "collection": ("collection", 50),
    "type": ("type", 30),
    "year": ("year", 200),
    "person": ("person_id", 20),
}


def analyzer() -> tantivy.TextAnalyzer:
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(60))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
        .filter(tantivy.Filter.stemmer("english"))
        .build()
    )


def schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw", fast=True)
    for name in ("title", "summary", "text"):
        builder.add_text_field(name, stored=True, tokenizer_name=TOKENIZER)
    builder.add_text_field("persons", stored=False, tokenizer_name=TOKENIZER)
    for name in ("repository_text", "collection_text", "type_text"):
        builder.add_text_field(name, stored=False, tokenizer_name=TOKENIZER)
    for name in ("lang", "repository", "collection", "type", "person_id"):
        builder.add_text_field(name, stored=False, tokenizer_name="raw", fast=True)
    for name in ("year", "earliest", "latest"):
        builder.add_integer_field(name, stored=False, indexed=True, fast=True)
    builder.add_integer_field("date_sort", stored=False, indexed=False, fast=True)
    builder.add_text_field("date_text", stored=True, tokenizer_name="raw")
    builder.add_text_field("type_stored", stored=True, tokenizer_name="raw")
    return builder.build()


def _day(iso: str | None, default: int) -> int:
    return int(iso.replace("-", "")) if iso else default


def document(data: dict[str, Any]) -> tantivy.Document:
    """The same document fonds's index builds, straight from the Record JSON dict."""
    date = data.get("date") or {}
    source = data.get("source") or {}
    renditions = data.get("renditions") or []
    languages = list(data.get("original_languages") or [])
    for rendition in renditions:
        if rendition.get("language") and rendition["language"] not in languages:
            languages.append(rendition["language"])
    earliest, latest = date.get("earliest"), date.get("latest")
    years = list(range(int(earliest[:4]), int(latest[:4]) + 1)) if earliest and latest else []
    persons = data.get("persons") or []
    repository = source.get("repository")
    return tantivy.Document(
        id=data["id"],
        title=data["title"],
        summary=data.get("summary") or "",
        text="\n\n".join(r["text"] for r in renditions if r.get("text")),
        persons=" ; ".join(p["name"] for p in persons),
        repository_text=" ".join(filter(None, [repository, source.get("repository_code")])),
        collection_text=" ".join(data.get("collections") or []),
        type_text=data.get("type") or "",
        lang=languages,
        repository=[repository] if repository else [],
        collection=list(data.get("collections") or []),
        type=[data["type"]] if data.get("type") else [],
        person_id=sorted({p["id"] for p in persons}),
        year=years,
        earliest=_day(earliest, 0),
        latest=_day(latest, 99991231),
        date_sort=_day(earliest, 99991231),
        date_text=date.get("text") or "",
        type_stored=data.get("type") or "",
    )


def open_index(path: Path, *, fresh: bool = False) -> tantivy.Index:
    if fresh and path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True, exist_ok=True)
    index = tantivy.Index(schema(), path=str(path), reuse=not fresh)
    index.register_tokenizer(TOKENIZER, analyzer())
    return index


@dataclass
class IngestTimes:
    records: int
    seconds: float
    sqlite_seconds: float
    tantivy_seconds: float


def ingest(files: Sequence[Path], db_path: Path, index_path: Path) -> IngestTimes:
    """Parse each JSONL file, store it in SQLite (one transaction) and index it in Tantivy (one commit)."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    start = time.perf_counter()
    db = sqlite3.connect(db_path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("CREATE TABLE records (id TEXT PRIMARY KEY, data TEXT NOT NULL)")
    index = open_index(index_path, fresh=True)
    writer = index.writer(heap_size=64_000_000, num_threads=1)
    count = 0
    in_sqlite = in_tantivy = 0.0
    for path in files:
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        parsed = [(json.loads(line), line) for line in lines]
        # A corpus file may begin with the archive's collections and persons ({"entity": ...}): not records.
        records = [record for record, _ in parsed if "id" in record]
        lines = [line for record, line in parsed if "id" in record]
        t0 = time.perf_counter()
        db.execute("BEGIN")
        db.executemany("INSERT INTO records (id, data) VALUES (?, ?)", [(r["id"], line) for r, line in zip(records, lines)])
        db.execute("COMMIT")
        t1 = time.perf_counter()
        for record in records:
            writer.add_document(document(record))
        writer.commit()
        in_tantivy += time.perf_counter() - t1
        in_sqlite += t1 - t0
        count += len(records)
    writer.wait_merging_threads()
    db.close()
    return IngestTimes(count, time.perf_counter() - start, in_sqlite, in_tantivy)


class Searcher:
    """Tantivy's own query language, straight to the searcher: parse, search, fetch the hits."""

    def __init__(self, index_path: Path) -> None:
        self.index = open_index(index_path)
        self.index.reload()
        self.schema = schema()

    def search(self, text: str, *, limit: int = 20, offset: int = 0, facets: bool = False, snippets: bool = False) -> int:
        """Run one query; return its hit count. `facets`/`snippets` add the same extra work fonds does."""
        query = self.index.parse_query(text, default_field_names=DEFAULT_FIELDS, field_boosts=BOOSTS)
        searcher = self.index.searcher()
        result = searcher.search(query, limit=limit, offset=offset, count=True)
        docs = [searcher.doc(address) for _score, address in result.hits]
        if snippets:
            generators = []
            for name in ("text", "summary", "title"):
                generator = tantivy.SnippetGenerator.create(searcher, query, self.schema, name)
                generator.set_max_num_chars(240)
                generators.append(generator)
            for doc in docs:
                for generator in generators:
                    if "<b>" in generator.snippet_from_doc(doc).to_html():
                        break
        if facets:
            spec = {name: {"terms": {"field": field, "size": size}} for name, (field, size) in FACETS.items()}
            searcher.aggregate(query, spec)
        return int(result.count or 0)


def sample_file_sizes(files: Sequence[Path]) -> int:
    return sum(path.stat().st_size for path in files)


def records_in(files: Sequence[Path]) -> int:
    return sum(1 for path in files for line in path.open(encoding="utf-8") if line.strip())


def dumps(data: Any) -> str:  # pragma: no cover - debugging aid
    return json.dumps(data, ensure_ascii=False)
