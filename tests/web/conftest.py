"""Fixtures for the reading room: a store holding the shared corpus and hostile records, an app, a server."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from fonds.authority import Entity
from fonds.config import Settings
from fonds.dates import HistoricalDate
from fonds.index import Index
from fonds.ingest import ingest
from fonds.authority import Entity, Variant
from fonds.collection import Collection
from fonds.record import Credit, Mark, Note, PersonLink, Record, Rendition, Source
from fonds.store.sqlite import SQLiteStore
from fonds.web.app import create_app

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>" onmouseover="alert(2)'

# A record written to attack the pages: every field a reader sees holds markup.
HOSTILE_TEXT = f"Text {HOSTILE} [and] more [...] Pak [<i>Park</i>] end."
HOSTILE_RECORD = Record(
    id="hostile-1",
    title=f"Hostile title {HOSTILE}",
    type=f"Letter {HOSTILE}",
    date=HistoricalDate(text="August 1962", earliest="1962-08-01", latest="1962-08-31"),
    summary=f"Hostile summary {HOSTILE}",
    original_languages=("ru",),
    source=Source(
        citation=f"citation {HOSTILE}",
        repository=f"Archive {HOSTILE}",
        repository_code="AVPRF",
        reference={"fond": '1" onmouseover="alert(3)', "opis": "2", "delo": "<b>3</b>"},
    ),
    credits=(Credit("translator", f"Translator {HOSTILE}"),),
    collections=("NKIDP",),
    url='javascript:alert(4)',
    renditions=(
        Rendition(
            kind="translation",
            language="en",
            label=f"Translation {HOSTILE}",
            text=HOSTILE_TEXT,
            marks=(
                Mark("supplied", HOSTILE_TEXT.index("[and]"), HOSTILE_TEXT.index("[and]") + 5, "and"),
                Mark("gap", HOSTILE_TEXT.index("[...]"), HOSTILE_TEXT.index("[...]") + 5),
                Mark("alternate", HOSTILE_TEXT.index("Pak"), HOSTILE_TEXT.index(" end."), "Pak", "<i>Park</i>"),
            ),
            notes=(Note("1", f"note {HOSTILE}", 10),),
        ),
        Rendition(kind="transcript", language="ru", text=f"Текст {HOSTILE}"),
    ),
    persons=(PersonLink(id='p"><script>alert(5)</script>', name=f"Person {HOSTILE}", start=0, end=4),),
)


# -- the shelf: three FRUS volumes (two with a chapter called "Korea"), the Wilson Center record,
# and records written to try the reading room's edges (facet values with quotes, many types,
# a person with many names and a gap of years in their documents).

QUOTED_TYPE = 'Letter "x" (draft) & annex'
LONG_NAME = "Hieronymus Karl Friedrich Freiherr von Münchhausen-Bodenwerder"
PERSON_ID = "test:munchhausen"
PERSON = Entity(
    id=PERSON_ID,
    preferred=LONG_NAME,
    description="A person written for the reading room's tests",
    variants=(
        Variant("Иероним Карл Фридрих фон Мюнхгаузен", "original script", "https://example.org/ru"),
        Variant("Ieronim Karl Fridrikh fon Myunkhgauzen", "transliteration", "curated: fonds/data/persons.json"),
        Variant("Münchhausen", "printed form", "curated: fonds/data/persons.json"),
        Variant("Baron Munchausen", "printed form", "curated: fonds/data/persons.json"),
    ),
    sources=("https://history.state.gov/historicaldocuments/frus1961-63v06/persons#p_X",)
    + tuple(f"https://source{n}.example.org/persons/munchhausen" for n in range(9)),
)
SHELF_TYPES = ("Aide-Mémoire", "Cable", "Communiqué", "Diary Entry", "Minutes", "Note Verbale", "Report",
               "Speech", "Telegram", "Treaty", QUOTED_TYPE)


def shelf_records() -> list[Record]:
    """Records that name the test person (1958 and 1961, none between) and carry many types."""
    records = []
    for n, kind in enumerate(SHELF_TYPES):
        year = 1958 if n % 2 == 0 else 1961
        text = f"Baron Munchausen wrote about the moon, report {n}."
        records.append(
            Record(
                id=f"shelf-{n}",
                title=f"Shelf record {n}: {kind}",
                type=kind,
                date=HistoricalDate(text=f"March {n + 1}, {year}", earliest=f"{year}-03-{n + 1:02d}",
                                    latest=f"{year}-03-{n + 1:02d}"),
                collections=("SHELF",),
                renditions=(Rendition(kind="translation", language="en", text=text),),
                persons=(
                    PersonLink(id=PERSON_ID, name="Baron Munchausen", start=0, end=16),
                    PersonLink(id="frus:frus1961-63v06#p_KNS2", name="N. Khrushchev", start=0, end=0),
                ),
            )
        )
    return records


CLOCK_TIMES = (("clock-a", "6 p.m.", "18:00"), ("clock-b", "9:30 a.m.", "09:30"), ("clock-c", "12:15 p.m.", "12:15"))


def clock_records() -> list[Record]:
    """Three telegrams of one day, stored out of order, each with its time of day."""
    return [
        Record(
            id=record_id,
            title=f"Clock telegram sent at {printed}",
            type="Telegram",
            date=HistoricalDate(text=f"June 5, 1962, {printed}", earliest="1962-06-05", latest="1962-06-05",
                                time=f"1962-06-05T{time}"),
            collections=("CLOCK",),
            renditions=(Rendition(kind="translation", language="en", text=f"Clockwork telegram, {printed}."),),
        )
        for record_id, printed, time in CLOCK_TIMES
    ]


@pytest.fixture(scope="session")
def shelf_path(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> Path:
    folder = tmp_path_factory.mktemp("shelf")
    store = SQLiteStore(folder / "fonds.db")
    try:
        frus = corpus / "frus"
        report = ingest(store, [corpus / "wilson-center", frus / "frus1961-63v06.xml", frus / "frus1958-60v18.xml",
                                frus / "frus1964-68v29p1.xml"])
        assert report.ok, report.rejected
        store.put_entities([PERSON])
        store.add(shelf_records(), collections=[Collection("SHELF", "Test Shelf", kind="project")])
        store.add(clock_records(), collections=[Collection("CLOCK", "Test Clock", kind="project")])
        Index(folder / "fonds.db.index").update(store)
    finally:
        store.close()
    return folder


@pytest.fixture(scope="session")
def shelf_settings(shelf_path: Path) -> Settings:
    return Settings(db=str(shelf_path / "fonds.db"), index=str(shelf_path / "fonds.db.index"), sync_seconds=0.5)


@pytest.fixture(scope="session")
def shelf_store(shelf_settings: Settings) -> Iterator[SQLiteStore]:
    store = SQLiteStore(shelf_settings.db)
    yield store
    store.close()


@pytest.fixture(scope="session")
def shelf_client(shelf_store: SQLiteStore, shelf_settings: Settings) -> Client:
    return Client(create_app(shelf_store, shelf_settings, Index(shelf_settings.index_path)))


@pytest.fixture(scope="session")
def shelf_server(shelf_store: SQLiteStore, shelf_settings: Settings) -> Iterator[str]:
    """A real server over the shelf, on a free port of 127.0.0.1; yields its address."""
    yield from serve_live(create_app(shelf_store, shelf_settings, Index(shelf_settings.index_path)))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def archive_path(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> Path:
    """A database holding the Wilson Center record, a FRUS volume, the examples and hostile records."""
    folder = tmp_path_factory.mktemp("reading-room")
    store = SQLiteStore(folder / "fonds.db")
    try:
        sources: list[Path] = [corpus / "wilson-center", ROOT / "examples", ROOT / "tests" / "data" / "text_hostile.txt"]
        try:
            import fonds.importers.frus  # noqa: F401
        except ImportError:  # pragma: no cover - before the FRUS importer landed
            pass
        else:
            sources.append(corpus / "frus" / "frus1961-63v06.xml")
        report = ingest(store, sources)
        assert report.ok, report.rejected
        hostile_person = HOSTILE_RECORD.persons[0]
        store.add([HOSTILE_RECORD], entities=[Entity(id=hostile_person.id, preferred=hostile_person.name)])
        index = Index(folder / "fonds.db.index")
        index.update(store)
    finally:
        store.close()
    return folder


@pytest.fixture(scope="session")
def hostile_record() -> Record:
    return HOSTILE_RECORD


@pytest.fixture(scope="session")
def settings(archive_path: Path) -> Settings:
    return Settings(db=str(archive_path / "fonds.db"), index=str(archive_path / "fonds.db.index"), sync_seconds=0.5)


@pytest.fixture(scope="session")
def store_with_corpus(settings: Settings) -> Iterator[SQLiteStore]:
    store = SQLiteStore(settings.db)
    yield store
    store.close()


@pytest.fixture(scope="session")
def app(store_with_corpus: SQLiteStore, settings: Settings) -> FastAPI:
    return create_app(store_with_corpus, settings, Index(settings.index_path))


class Client:
    """A small synchronous client over the app (no server, no network)."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        async def fetch() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
                return await client.get(url, **kwargs)

        return asyncio.run(fetch())


@pytest.fixture(scope="session")
def client(app: FastAPI) -> Client:
    return Client(app)


@pytest.fixture(scope="session")
def live_server(store_with_corpus: SQLiteStore, settings: Settings) -> Iterator[str]:
    """A real uvicorn server on a free port of 127.0.0.1; yields its address."""
    yield from serve_live(create_app(store_with_corpus, settings, Index(settings.index_path)))


def serve_live(app: FastAPI) -> Iterator[str]:
    """Serve `app` with uvicorn on a free port of 127.0.0.1 in a thread; yields its address, then stops it."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, name="fonds-test-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


# -- a record with a scan, its OCR transcript and a translation (tests/conftest.py: belovezha_archive) --


@pytest.fixture(scope="session")
def reader_settings(belovezha_archive: Path) -> Settings:
    return Settings(db=str(belovezha_archive / "fonds.db"), sync_seconds=0.5)


@pytest.fixture(scope="session")
def reader_store(reader_settings: Settings) -> Iterator[SQLiteStore]:
    store = SQLiteStore(reader_settings.db)
    yield store
    store.close()


@pytest.fixture(scope="session")
def reader_client(reader_store: SQLiteStore, reader_settings: Settings) -> Client:
    return Client(create_app(reader_store, reader_settings))


@pytest.fixture(scope="session")
def reader_server(reader_store: SQLiteStore, reader_settings: Settings) -> Iterator[str]:
    """A live server over the archive with the Belovezha scan, transcript and translation."""
    yield from serve_live(create_app(reader_store, reader_settings))
