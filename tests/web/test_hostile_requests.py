"""Hostile requests and hostile records: the server answers them all (issue 17, section 3)."""

from __future__ import annotations

import asyncio
import base64
import json
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from lxml import etree

from fonds.config import Settings
from fonds.index import Index
from fonds.store.sqlite import SQLiteStore
from fonds.web.app import SECURITY_HEADERS, create_app, neutralise_bidi
from fonds.exports.dump import guard_formulas

NS = {"o": "http://www.openarchives.org/OAI/2.0/"}


@pytest.fixture(scope="module")
def schema(schemas: Path) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(schemas / "OAI-PMH.xsd")))


class AppClient:
    """Requests to the app without a network; a server fault comes back as the response it gives."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app

    def request(self, method: str, url: str, **kwargs: object) -> httpx.Response:
        async def fetch() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app, raise_app_exceptions=False)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
                return await client.request(method, url, **kwargs)  # type: ignore[arg-type]

        return asyncio.run(fetch())

    def get(self, url: str, **kwargs: object) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: object) -> httpx.Response:
        return self.request("POST", url, **kwargs)


@pytest.fixture(scope="module")
def http(store_with_corpus: SQLiteStore, settings: Settings) -> AppClient:
    return AppClient(create_app(store_with_corpus, settings, Index(settings.index_path)))


def oai_error(response: httpx.Response, schema: etree.XMLSchema) -> str:
    assert response.status_code == 200
    root = etree.fromstring(response.content)
    schema.assertValid(root)
    error = root.find("o:error", NS)
    assert error is not None, response.text[:300]
    return str(error.get("code"))


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(
    "query",
    [
        {"verb": "ListRecords", "metadataPrefix": "oai_dc\x00"},
        {"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "NKIDP\x1b"},
        {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "oai:fonds:wcda-110485\x07"},
        {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "from\x01": "2020-01-01"},
    ],
)
def test_a_control_character_in_any_argument_is_bad_argument(
    http: AppClient, schema: etree.XMLSchema, query: dict[str, str]
) -> None:
    assert oai_error(http.get("/oai", params=query), schema) == "badArgument"


@pytest.mark.parametrize(
    "token",
    [
        "!!!not-base64",
        b64(b"\xff\xfe\x00garbage"),  # not UTF-8
        b64(b'{"a": 1}'),  # JSON, not a list
        b64(b"[1, 2, 3]"),  # a list of the wrong length
        b64(json.dumps(["oai_dc", ["x"], None, None, "", 0, 5]).encode()),  # a set that is a list
        b64(json.dumps(["oai_dc", None, None, None, "a\u0000b", 0, 5]).encode()),  # NUL in the last id
        b64(json.dumps(["oai_dc", None, "yesterday", None, "", 0, 5]).encode()),  # a date that is none
        b64(json.dumps(["oai_dc", None, None, None, "", -3, 5]).encode()),  # a negative cursor
        b64(json.dumps(["oai_dc", None, None, None, "", True, 5]).encode()),
        b64(b"[" * 5000 + b"]" * 5000),
        b64(json.dumps(["oai_dc", None, None, None, "zzzzzz", 100, 200]).encode()),  # past the end: the list changed
    ],
)
def test_a_forged_or_stale_resumption_token_is_bad_resumption_token(
    http: AppClient, schema: etree.XMLSchema, token: str
) -> None:
    response = http.get("/oai", params={"verb": "ListIdentifiers", "resumptionToken": token})
    assert oai_error(response, schema) == "badResumptionToken"


def test_oai_pmh_accepts_post(http: AppClient, schema: etree.XMLSchema) -> None:
    response = http.post("/oai", data={"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "oai:fonds:wcda-110485"})
    assert response.status_code == 200
    root = etree.fromstring(response.content)
    schema.assertValid(root)
    assert root.find("o:GetRecord/o:record/o:header/o:identifier", NS).text == "oai:fonds:wcda-110485"


def test_without_base_url_the_host_header_is_not_trusted(
    store_with_corpus: SQLiteStore, settings: Settings
) -> None:
    app = create_app(store_with_corpus, settings, Index(settings.index_path))
    app.state.listen_url = "http://127.0.0.1:8000"  # what `fonds serve` sets when base_url is unset
    client = AppClient(app)
    page = client.get("/records/wcda-110485", headers={"Host": "evil.example"}).text
    oai = client.get("/oai", params={"verb": "Identify"}, headers={"Host": "evil.example"}).text
    assert "evil.example" not in page and "evil.example" not in oai
    assert "http://127.0.0.1:8000/records/wcda-110485" in page
    assert "<baseURL>http://127.0.0.1:8000/oai</baseURL>" in oai


def test_a_500_still_carries_the_security_headers(store_with_corpus: SQLiteStore, settings: Settings) -> None:
    app = create_app(store_with_corpus, settings, Index(settings.index_path))

    def broken() -> None:
        raise RuntimeError("a fault of ours")

    app.add_api_route("/broken", broken)
    response = AppClient(app).get("/broken")
    assert response.status_code == 500
    for key, value in SECURITY_HEADERS.items():
        assert response.headers[key] == value
    assert "RuntimeError" not in response.text


def test_bidirectional_overrides_are_removed_for_display() -> None:
    assert neutralise_bidi("Memo \u202egnp.exe\u202c from Kim") == "Memo gnp.exe from Kim"
    assert neutralise_bidi("שלום Shalom") == "שלום Shalom"


def test_csv_cells_a_spreadsheet_would_run_are_guarded() -> None:
    assert guard_formulas(["=HYPERLINK(\"x\")", "+1", "-2", "@SUM(A1)", "\tx", "Kim", "{\"id\":1}"]) == [
        "'=HYPERLINK(\"x\")", "'+1", "'-2", "'@SUM(A1)", "'\tx", "Kim", "{\"id\":1}"
    ]


@pytest.mark.parametrize("path", ["/" + "a" * 5000, "/records/" + "b" * 230, "/records/" + "c" * 5000 + ".json",
                                  "/persons/" + "d" * 5000])
def test_an_error_page_echoes_a_bounded_piece_of_a_long_path(http: AppClient, path: str) -> None:
    """The 404 page and its JSON twin name what was asked, cut short with its length, not in full."""
    response = http.get(path)
    assert response.status_code == 404
    message = response.json()["error"] if path.endswith(".json") else response.text
    assert "characters)" in message
    assert path.rsplit("/", 1)[1].removesuffix(".json")[:120] not in message
