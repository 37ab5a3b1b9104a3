"""The JSON API: the OpenAPI schema at /openapi.json, and schemathesis checking the app against it.

schemathesis generates requests from the schema, both valid ones and ones the
schema forbids, sends them to the real app (in process, over ASGI) and checks
every answer: no server error, a documented status code and content type, a
body that matches the documented model, 4xx for what the schema forbids, an
`Allow` header with a 405.
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import quote

import httpx
import jsonschema_rs
import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance
from schemathesis.specs.openapi.definitions import OPENAPI_31_VALIDATOR

from fonds.config import Settings
from fonds.web import api
from fonds.web.app import ROUTES
from fonds.web.search import SORTS

# The schema the app serves, built without an app; test_the_schema_is_served checks they agree.
schema = schemathesis.openapi.from_dict(api.schema(Settings().repository_name))

KHRUSHCHEV = "frus:frus1961-63v06#p_KNS2"
RECORDS = ["wcda-110485", "frus1961-63v06-d1", "hostile-1", "wcda-999999"]


@schema.parametrize()
@settings(
    max_examples=60,  # per operation and generation mode: the whole module runs in about 20 s
    deadline=None,
    derandomize=True,  # the same requests on every run: a failure here is never a fluke
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_schemathesis_finds_no_error(case: Any, app: FastAPI) -> None:
    # A search that matches its schema can still be one the query language rejects
    # ("cats AND", date 1962-02-31): that is a 400 with a message, not a rejected valid request.
    excluded = [positive_data_acceptance] if case.operation.path == "/search.json" else []
    case.call_and_validate(app=app, excluded_checks=excluded)


@pytest.mark.parametrize("record_id", RECORDS)
def test_records_match_the_schema(app: FastAPI, record_id: str) -> None:
    response = schema["/records/{id}.json"]["GET"].Case(path_parameters={"id": record_id}).call_and_validate(app=app)
    assert response.status_code == 200 and response.json()["id"] == record_id


@pytest.mark.parametrize("fmt", schema.raw_schema["paths"]["/records/{id}.{format}"]["get"]["parameters"][1]["schema"]["enum"])
def test_exports_match_the_schema(app: FastAPI, fmt: str) -> None:
    case = schema["/records/{id}.{format}"]["GET"].Case(path_parameters={"id": "wcda-110485", "format": fmt})
    assert case.call_and_validate(app=app).status_code == 200


def test_person_matches_the_schema(app: FastAPI) -> None:
    # Generated path parameters are percent-encoded by schemathesis; explicit ones are sent as given.
    case = schema["/persons/{id}.json"]["GET"].Case(path_parameters={"id": quote(KHRUSHCHEV, safe="")})
    assert case.call_and_validate(app=app).json()["preferred"] == "Khrushchev, Nikita S."


@pytest.mark.parametrize(
    "query",
    [
        {"q": "Kim Il Sung"},
        {"q": "김일성"},
        {"q": 'person:"Kim Il Sung" lang:ru', "sort": "-date"},
        {"q": "Khrushchev", "from": "1961-01", "to": "1962-12-31", "sort": "date", "page": 2},
        {"q": "<script>alert(1)</script>"},
        {"q": "Kennedy", "sort": "", "page": "", "from": "", "to": ""},
    ],
)
def test_searches_match_the_schema(app: FastAPI, query: dict[str, Any]) -> None:
    assert schema["/search.json"]["GET"].Case(query=query).call_and_validate(app=app).status_code == 200


def test_the_schema_is_served(client: Any, settings: Settings) -> None:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    document = response.json()
    assert document == api.schema(settings.repository_name)
    assert document["openapi"].startswith("3.1.")
    errors = [error.message for error in OPENAPI_31_VALIDATOR.iter_errors(document)]
    assert errors == []
    for name, model in document["components"]["schemas"].items():
        assert jsonschema_rs.meta.is_valid(model), name


def test_the_schema_documents_every_json_twin_and_no_page() -> None:
    documented = set(schema.raw_schema["paths"])
    twins = {path for path, _view, _name in ROUTES
             if path.endswith(".json") and path != "/openapi.json" and not path.startswith("/staff/")}  # staff JSON is not the public API
    assert twins <= documented
    assert {"/records/{id}.json", "/persons/{id}.json", "/records/{id}.{format}"} <= documented
    assert not {"/", "/search", "/browse", "/about", "/oai"} & documented
    for path in documented:
        for status, response in schema.raw_schema["paths"][path]["get"]["responses"].items():
            assert response["content"], f"{path} {status} has no content"


def test_the_search_parameters_are_the_ones_search_reads() -> None:
    parameters = {p["name"]: p for p in schema.raw_schema["paths"]["/search.json"]["get"]["parameters"]}
    assert list(parameters) == ["q", "from", "to", "sort", "page", "filter", "facets"]
    assert parameters["facets"]["schema"]["const"] == "always"
    assert parameters["sort"]["schema"]["enum"] == list(SORTS)


def test_search_json_has_exactly_the_design_shape(client: Any) -> None:
    data = client.get("/search.json?q=" + quote("Kim Ir Sen")).json()
    assert {"total", "hits", "facets"} <= set(data)  # DESIGN.md; keys may be added
    assert isinstance(data["total"], int) and data["total"] >= len(data["hits"]) > 0
    for hit in data["hits"]:
        assert {"id", "title", "date", "snippet", "matched"} <= set(hit)
        assert isinstance(hit["id"], str) and isinstance(hit["title"], str) and isinstance(hit["snippet"], str)
        assert hit["date"] is None or isinstance(hit["date"], str)
        assert isinstance(hit["matched"], list) and all(isinstance(m, str) for m in hit["matched"])
    assert any(hit["matched"] for hit in data["hits"]), "a name search says which variant matched"
    assert isinstance(data["facets"], dict)
    for values in data["facets"].values():
        assert all(isinstance(v["value"], str) and isinstance(v["count"], int) for v in values)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("q=" + "a" * 5000, "the search is 5000 characters long; keep it under 1000"),
        ("q=" + quote('"broken'), 'unclosed quote at position 1: ▸"broken; add the closing " or remove the opening one'),
        ("q=" + quote('"<script>alert(1)</script>'), "unclosed quote at position 1"),
        ("q=" + quote("(Kim Il Sung"), "parenthesis"),
        ("q=" + quote("nope:<b>x</b>"), "unknown field 'nope:' at position 1; use one of title:, person:, date:"),
        ("q=" + quote("date:yesterday"), "date 'yesterday' at position 6 is not one we understand"),
        ("q=AND", "AND at position 1 has nothing before it: ▸AND"),
        ("q=" + quote("日本 OR"), "OR at position"),
        ("from=" + quote("<script>"), "the from date '<script>' is not one we understand"),
        ("to=" + quote("1962-13-45"), "is not one we understand"),
        ("sort=" + quote("' OR 1=1 --"), "sort \"' OR 1=1 --\" is not one we know"),
        ("page=-1", "page '-1' is not a page number"),
        ("page=1e3", "page '1e3' is not a page number"),
        ("page=" + "9" * 40, "is too far; narrow the search instead"),
        ("page=" + quote("²"), "page '²' is not a page number"),
        ("q=" + "(" * 300 + "Kim" + ")" * 300, "parentheses nest deeper than 32 levels"),
    ],
)
def test_hostile_searches_are_400_with_a_message(client: Any, query: str, message: str) -> None:
    response = client.get("/search.json?" + query)
    assert response.status_code == 400
    body = response.json()
    assert body["ok"] is False and body["status"] == 400
    assert message in body["error"]


def test_a_json_twin_is_never_an_export(client: Any) -> None:
    response = client.get("/records/wcda-110485.tei.json")
    assert response.status_code == 404
    assert response.json()["error"].startswith("there is no record 'wcda-110485.tei' in this archive")


def test_other_methods_are_405_with_allow(app: FastAPI) -> None:
    async def post() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
            return await client.post("/search.json?q=x")

    response = asyncio.run(post())
    assert response.status_code == 405
    assert set(response.headers["allow"].replace(" ", "").split(",")) == {"GET", "HEAD"}
    assert response.json() == {"ok": False, "error": "Method Not Allowed", "status": 405}


def _search_param_pattern(name: str) -> str:
    parameters = schema.raw_schema["paths"]["/search.json"]["get"]["parameters"]
    found = next(p for p in parameters if p["name"] == name)
    return str(found["schema"].get("pattern") or next(s["pattern"] for s in found["schema"]["anyOf"] if "pattern" in s))


@pytest.mark.parametrize("value", ["397", "0000", "1962-13", "1962-8", "10000", "1962-08-32"])
def test_a_date_the_schema_refuses_the_server_refuses_too(app: FastAPI, value: str) -> None:
    import re

    assert re.search(_search_param_pattern("from"), value) is None
    response = asyncio.run(_get(app, f"/search.json?from={quote(value)}"))
    assert response.status_code == 400
    assert response.json()["error"].startswith(f"the from date {value!r} is not one we understand")


@pytest.mark.parametrize("value", ["1962", "0397", "1962-08", "1962-08-14", ""])
def test_a_date_the_schema_takes_the_server_takes_too(app: FastAPI, value: str) -> None:
    import re

    assert re.search(_search_param_pattern("from"), value) is not None
    assert asyncio.run(_get(app, f"/search.json?from={quote(value)}")).status_code == 200


async def _get(app: FastAPI, path: str) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        return await client.get(path)
