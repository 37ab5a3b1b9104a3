"""Every `fonds` command with `--db postgresql://...`, checked as a user reads its output.

One database per module holds the shared Wilson Center record, the examples and
the Office of the Historian's people: ingesting and importing them are checked
once, by the fixture that does it, and every other command reads that archive.
"""

from __future__ import annotations

import json
import socket
import struct
import threading
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from click.testing import CliRunner, Result

from fonds.cli import main
from fonds.store.migrations import LATEST

ROOT = Path(__file__).resolve().parents[2]
WILSON = "wcda-110485"
EXAMPLES = ("wcda-900001", "wcda-900002", "wcda-900003", "wcda-900004", "wcda-900005", "wcda-900006", "wcda-900007")
KIM_IN_CHINESE_KOREAN_RUSSIAN = ("wcda-900004", "wcda-900005", "wcda-900006")  # 金日成, 김일성, Ким Ир Сен
TEI = "{http://www.tei-c.org/ns/1.0}"


@dataclass
class Fonds:
    """`fonds --db URL --index FOLDER ...` through click's runner."""

    db: str
    index: Path

    def __call__(self, *args: str) -> Result:
        return CliRunner().invoke(main, ["--db", self.db, "--index", str(self.index), *args], catch_exceptions=False)


@dataclass
class Archive:
    fonds: Fonds
    ingested: Result
    ingested_again: Result
    imported: Result


def create_database(server: str) -> str:
    name = f"fonds_test_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return urlsplit(server)._replace(path=f"/{name}").geturl()


def drop_database(url: str) -> None:
    server = urlsplit(url)._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{urlsplit(url).path[1:]}" WITH (FORCE)')


@pytest.fixture(autouse=True)
def no_fonds_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("FONDS_DB", "FONDS_INDEX", "FONDS_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def new_database(postgres_server: str) -> Iterator[str]:
    url = create_database(postgres_server)
    yield url
    drop_database(url)


@pytest.fixture(scope="module")
def archive(postgres_server: str, corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Archive]:
    """A PostgreSQL archive filled by `fonds ingest` and `fonds authority import`."""
    url = create_database(postgres_server)
    try:
        fonds = Fonds(url, tmp_path_factory.mktemp("cli-postgres") / "index")
        paths = (str(corpus / "wilson-center"), str(ROOT / "examples"))
        ingested = fonds("ingest", *paths)
        ingested_again = fonds("ingest", *paths)
        imported = fonds("authority", "import", str(corpus / "authority" / "hsg-people"))
        yield Archive(fonds, ingested, ingested_again, imported)
    finally:
        drop_database(url)


def lines(result: Result) -> list[str]:
    return result.output.splitlines()


@pytest.mark.postgres
def test_ingest_says_what_it_added_and_indexed(archive: Archive) -> None:
    assert archive.ingested.exit_code == 0, archive.ingested.output
    assert lines(archive.ingested) == [
        "8 added, 0 updated, 0 unchanged, 0 rejected",
        "index: 8 changes applied, 8 records searchable",
    ]


@pytest.mark.postgres
def test_ingesting_again_changes_nothing(archive: Archive) -> None:
    assert archive.ingested_again.exit_code == 0, archive.ingested_again.output
    assert lines(archive.ingested_again) == ["0 added, 0 updated, 8 unchanged, 0 rejected; nothing changed"]


@pytest.mark.postgres
def test_authority_import_reads_every_entry(archive: Archive, corpus: Path) -> None:
    files = len(list((corpus / "authority" / "hsg-people").glob("*.xml")))
    assert archive.imported.exit_code == 0, archive.imported.output
    summary = lines(archive.imported)[0]
    assert summary.startswith(f"{files} authority entries read, {files} written; "), summary
    assert "records relinked" in summary


@pytest.mark.postgres
def test_search_lists_the_matching_records(archive: Archive) -> None:
    result = archive.fonds("search", "Kim Il Sung")
    assert result.exit_code == 0, result.output
    assert lines(result)[0] == "5 records match 'Kim Il Sung'"
    assert f"[{WILSON}]" in result.output and "[wcda-900001]" in result.output
    assert all(f"[{record}]" in result.output for record in KIM_IN_CHINESE_KOREAN_RUSSIAN)
    assert "matched: Kim II Sung: OCR slip of Kim Il Sung" in result.output


@pytest.mark.postgres
def test_search_json(archive: Archive) -> None:
    result = archive.fonds("search", "date:1962-08 lang:ru", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["total"] == 1
    assert [hit["id"] for hit in data["hits"]] == [WILSON]
    assert data["hits"][0]["date"] == "August 14, 1962"


@pytest.mark.postgres
def test_show(archive: Archive) -> None:
    result = archive.fonds("show", WILSON)
    assert result.exit_code == 0, result.output
    assert lines(result)[0].startswith("Memorandum of Conversation between Soviet Ambassador")
    assert f"          id: {WILSON}" in lines(result)
    assert "        date: August 14, 1962" in lines(result)
    shown = json.loads(archive.fonds("show", WILSON, "--json").output)
    assert shown["id"] == WILSON and shown["source"]["repository_code"] == "AVPRF"


@pytest.mark.postgres
def test_show_of_a_missing_record_is_one_line(archive: Archive) -> None:
    result = archive.fonds("show", "wcda-1")
    assert result.exit_code == 1
    assert result.output == "fonds: no record with id 'wcda-1'\n"


@pytest.mark.postgres
def test_stats(archive: Archive, corpus: Path) -> None:
    result = archive.fonds("stats")
    assert result.exit_code == 0, result.output
    assert lines(result)[0] == "     records: 8"
    assert lines(result)[2] == " collections: 2"
    counts = json.loads(archive.fonds("stats", "--json").output)
    assert counts["records"] == 8
    assert counts["persons"] >= len(list((corpus / "authority" / "hsg-people").glob("*.xml")))


@pytest.mark.postgres
def test_reindex_then_search(archive: Archive) -> None:
    result = archive.fonds("reindex")
    assert result.exit_code == 0, result.output
    assert lines(result) == ["index rebuilt: 8 records searchable"]
    found = json.loads(archive.fonds("search", "fishing rights", "--json").output)
    assert found["hits"][0]["id"] == "wcda-900001"


@pytest.mark.postgres
def test_export_tei(archive: Archive) -> None:
    result = archive.fonds("export", WILSON, "--format", "tei")
    assert result.exit_code == 0, result.output
    tei = ET.fromstring(result.output)
    assert tei.tag == f"{TEI}TEI"
    assert tei.findtext(f".//{TEI}idno[@type='fonds']") == WILSON
    assert "Kim II Sung" in "".join(tei.find(f".//{TEI}body").itertext())  # type: ignore[union-attr]


@pytest.mark.postgres
def test_dump_jsonl(archive: Archive) -> None:
    result = archive.fonds("dump", "--format", "jsonl")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in lines(result)]
    # The dump carries the archive: collections and authority entries first, then each record.
    records = [row for row in rows if "collection" not in row and "entity" not in row]
    assert sorted(record["id"] for record in records) == sorted([WILSON, *EXAMPLES])
    assert any("entity" in row for row in rows[: len(rows) - len(records)])


@pytest.mark.postgres
def test_authority_show(archive: Archive) -> None:
    result = archive.fonds("authority", "show", "hsg:107176")
    assert result.exit_code == 0, result.output
    assert lines(result)[0] == "Kim Il Sung  [hsg:107176]  person"
    assert any(line.startswith("variants (") for line in lines(result))
    assert any(line.startswith("  Kim Il-sung  (printed form; https://") for line in lines(result))
    documents = result.output.split("\ndocuments (5):\n")[1]
    assert WILSON in documents and "wcda-900001" in documents
    assert all(record in documents for record in KIM_IN_CHINESE_KOREAN_RUSSIAN)  # linked in all three scripts


@pytest.mark.postgres
def test_authority_variants(archive: Archive) -> None:
    result = archive.fonds("authority", "variants", "Kim Il Sung")
    assert result.exit_code == 0, result.output
    assert lines(result)[0] == "Kim Il Sung -> Kim Il Sung (hsg:107176): preferred name of Kim Il Sung"
    assert any(line.startswith("  김일성  (original script)") for line in lines(result))


@pytest.mark.postgres
def test_migrate_has_nothing_to_do(archive: Archive) -> None:
    result = archive.fonds("migrate")
    assert result.exit_code == 0, result.output
    assert lines(result) == [f"schema is at version {LATEST}; nothing to do"]


@pytest.mark.postgres
def test_migrate_creates_the_schema_of_an_empty_database(new_database: str, tmp_path: Path) -> None:
    result = Fonds(new_database, tmp_path / "index")("migrate")
    assert result.exit_code == 0, result.output
    assert lines(result) == [f"schema migrated from version 0 to {LATEST}"]


@pytest.mark.postgres
def test_copy_to_sqlite_and_back_keeps_every_record(archive: Archive, new_database: str, tmp_path: Path) -> None:
    laptop = f"sqlite:///{tmp_path / 'laptop.db'}"
    there = CliRunner().invoke(main, ["copy", "--from", archive.fonds.db, "--to", laptop], catch_exceptions=False)
    assert there.exit_code == 0, there.output
    persons = json.loads(archive.fonds("stats", "--json").output)["persons"]
    assert lines(there)[0].startswith("copied 8 records (8 added, 0 updated, 0 unchanged), 2 collections, ")
    back = CliRunner().invoke(main, ["copy", "--from", laptop, "--to", new_database], catch_exceptions=False)
    assert back.exit_code == 0, back.output
    assert lines(back) == lines(there)

    dumps = [
        Fonds(url, tmp_path / name)("dump", "--format", "jsonl")
        for url, name in ((archive.fonds.db, "i1"), (laptop, "i2"), (new_database, "i3"))
    ]
    assert all(dump.exit_code == 0 for dump in dumps)
    records = [line for line in lines(dumps[0]) if not line.startswith(('{"collection"', '{"entity"'))]
    assert len(records) == 8
    assert dumps[1].output == dumps[0].output
    assert dumps[2].output == dumps[0].output
    assert json.loads(Fonds(new_database, tmp_path / "i3")("stats", "--json").output)["persons"] == persons


# -- a server that cannot be used: one line, exit 1, no password ---------------------------------------


def test_an_unreachable_server_is_one_line_without_the_password(tmp_path: Path) -> None:
    result = Fonds("postgresql://fonds:s3cret@127.0.0.1:1/archive", tmp_path / "index")("stats")
    assert result.exit_code == 1
    assert result.output == (
        "fonds: cannot connect to PostgreSQL at 127.0.0.1:1/archive: Connection refused; "
        "check that the server is running and that the host and port in --db are right\n"
    )


def test_an_unreadable_url_is_shown_with_its_password_masked(tmp_path: Path) -> None:
    result = Fonds("postgresql://fonds:s3cret@[::1/archive", tmp_path / "index")("stats")
    assert result.exit_code == 1
    assert len(lines(result)) == 1 and "s3cret" not in result.output
    assert result.output.startswith("fonds: postgresql://fonds:***@[::1/archive is not a PostgreSQL URL we can read")


def _recv(conn: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = conn.recv(size - len(data))
        if not chunk:
            raise ConnectionError("the client hung up")
        data += chunk
    return data


class PasswordRefusingServer:
    """Speaks just enough of the PostgreSQL protocol to ask for a password and refuse it."""

    SSL_OR_GSS_REQUEST = (80877103, 80877104)
    REFUSAL = b'SFATAL\0VFATAL\0C28P01\0Mpassword authentication failed for user "fonds"\0\0'

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port: int = self.sock.getsockname()[1]
        self.passwords: list[str] = []
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:  # closed: the test is over
                return
            with conn:
                conn.settimeout(5)
                try:
                    self.refuse(conn)
                except (ConnectionError, OSError):
                    pass

    def refuse(self, conn: socket.socket) -> None:
        while True:  # answer "no" to SSL and GSS encryption, then read the startup message
            (length,) = struct.unpack("!I", _recv(conn, 4))
            body = _recv(conn, length - 4)
            if struct.unpack("!I", body[:4])[0] not in self.SSL_OR_GSS_REQUEST:
                break
            conn.sendall(b"N")
        conn.sendall(b"R" + struct.pack("!II", 8, 3))  # AuthenticationCleartextPassword
        _recv(conn, 1)
        (length,) = struct.unpack("!I", _recv(conn, 4))
        self.passwords.append(_recv(conn, length - 4).rstrip(b"\0").decode())
        conn.sendall(b"E" + struct.pack("!I", len(self.REFUSAL) + 4) + self.REFUSAL)

    def close(self) -> None:
        try:  # on Linux only shutdown() wakes a thread blocked in accept(); close() alone leaves it running
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()
        self.thread.join(timeout=5)
        assert not self.thread.is_alive(), "the fake server's thread outlived its test"


@pytest.fixture
def password_refusing_server() -> Iterator[PasswordRefusingServer]:
    server = PasswordRefusingServer()
    yield server
    server.close()


def test_a_wrong_password_is_one_line_without_the_password(
    password_refusing_server: PasswordRefusingServer, tmp_path: Path
) -> None:
    port = password_refusing_server.port
    result = Fonds(f"postgresql://fonds:s3cret@127.0.0.1:{port}/archive", tmp_path / "index")("stats")
    assert password_refusing_server.passwords == ["s3cret"]  # it was sent, and refused
    assert result.exit_code == 1
    assert result.output == (
        f"fonds: cannot connect to PostgreSQL at 127.0.0.1:{port}/archive: "
        'password authentication failed for user "fonds"; check the user and password in the database URL\n'
    )
