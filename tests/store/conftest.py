"""Store fixtures: every test that takes `store` runs once on SQLite and once on PostgreSQL.

The PostgreSQL runs use the server that FONDS_TEST_POSTGRES names
(`source .ci/start-postgres` starts one and sets it) and get a database of their
own, dropped afterwards. Without the variable, or without a server there, they
fail: CI must never pass by skipping them. FONDS_TEST_POSTGRES=off deselects
them on purpose, for a quick local run.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import urlsplit

import psycopg
import pytest

from fonds.authority import Entity, Variant
from fonds.config import mask_password
from fonds.dates import HistoricalDate
from fonds.record import Credit, Mark, Note, PageBreak, Record, Rendition, Source
from fonds.store import open_store
from fonds.store.base import Store

POSTGRES_VARIABLE = "FONDS_TEST_POSTGRES"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get(POSTGRES_VARIABLE) != "off":
        return
    dropped = [item for item in items if item.get_closest_marker("postgres")]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if not item.get_closest_marker("postgres")]


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The URL of a reachable PostgreSQL server, or a failed test that says how to get one."""
    url = os.environ.get(POSTGRES_VARIABLE, "")
    if not url:
        pytest.fail(
            f"{POSTGRES_VARIABLE} is not set: the PostgreSQL store tests need a server. "
            f"Run `source .ci/start-postgres` (it sets {POSTGRES_VARIABLE}), or set "
            f"{POSTGRES_VARIABLE}=off to deselect these tests",
            pytrace=False,
        )
    try:
        psycopg.connect(url, autocommit=True, connect_timeout=5).close()
        return url
    except psycopg.OperationalError as error:
        reason = str(error).strip().splitlines()[0]
    pytest.fail(
        f"{POSTGRES_VARIABLE}={mask_password(url)}: cannot reach the server ({reason}). "
        f"Run `source .ci/start-postgres`, or set {POSTGRES_VARIABLE}=off to deselect these tests",
        pytrace=False,
    )


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """The URL of a new, empty database on the test server; dropped after the test."""
    name = f"fonds_test_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(postgres_server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield urlsplit(postgres_server)._replace(path=f"/{name}").geturl()
    with psycopg.connect(postgres_server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty database of each backend in turn."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'fonds.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """An empty store of each backend in turn."""
    opened = open_store(store_url)
    yield opened
    opened.close()


def build_record(record_id: str, generation: int = 0, **changes: Any) -> Record:
    """A record that uses every part of the model; `generation` changes its content."""
    text = f"{record_id}: [I] paid a visit [...] to Pak Seong-cheol [Pak Song Chol]. Ким Ир Сен 김일성 gen {generation}"
    fields: dict[str, Any] = dict(
        id=record_id,
        title=f"Memorandum {record_id} (generation {generation})",
        type="Memorandum of Conversation",
        date=HistoricalDate(text="August 14, 1962", edtf="1962-08-14", earliest="1962-08-14", latest="1962-08-14"),
        summary=f"generation {generation}",
        original_languages=("ru",),
        source=Source(
            citation="AVPRF, fond 0102, opis 18, papka 93, delo 5, listy 3-9",
            repository="Archive of the Foreign Policy of the Russian Federation",
            repository_code="AVPRF",
            reference={"fond": "0102", "opis": "18", "papka": "93", "delo": "5", "listy": "3-9"},
        ),
        credits=(Credit(role="translator", name="Sergey Radchenko"),),
        collections=("NKIDP",),
        url=f"https://example.org/document/{record_id}",
        number=record_id,
        subjects=("Korea", "Soviet Union"),
        participants=("Kim Il Sung",),
        renditions=(
            Rendition(
                kind="translation",
                language="en",
                text=text,
                marks=(Mark(kind="supplied", start=len(record_id) + 2, end=len(record_id) + 5, text="I"),),
                notes=(Note(n="1", text="A note\twith a tab and a \x00 byte.", offset=3),),
                pages=(PageBreak(n="3", offset=0),),
            ),
            Rendition(kind="scan", language=None, label="Original scan"),
        ),
        origin=f"corpus/{record_id}.txt:1",
    )
    fields.update(changes)
    return Record(**fields)


def build_entity(entity_id: str, preferred: str, kind: str = "person", **changes: Any) -> Entity:
    fields: dict[str, Any] = dict(
        id=entity_id,
        preferred=preferred,
        kind=kind,
        variants=(Variant(name=preferred.upper(), kind="variant", source="test"),),
        sources=("test",),
    )
    fields.update(changes)
    return Entity(**fields)


@pytest.fixture
def make_record() -> Callable[..., Record]:
    """build_record(record_id, generation=0, **changes): a record using every part of the model."""
    return build_record


@pytest.fixture
def make_entity() -> Callable[..., Entity]:
    """build_entity(entity_id, preferred, kind='person', **changes)."""
    return build_entity
