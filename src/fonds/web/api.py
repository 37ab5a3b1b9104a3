"""The JSON API: the OpenAPI schema of the JSON twins, served at `/openapi.json`.

The JSON twins are served by the routes in `app.py` (one handler for a page and
its twin). This module only describes them: one operation per twin with its parameters,
whose response models (each twin's body and the error body) are in
`api_bodies.py`, from which FastAPI writes the OpenAPI 3.1 schema. The operations
here are never mounted. `tests/web/test_api.py` keeps the two honest: schemathesis calls the
real routes with what the schema allows (and what it forbids) and checks each
answer against the schema.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Response
from fastapi.openapi.utils import get_openapi
from pydantic import Field

from fonds import __version__
from fonds.identifiers import MAX_LENGTH
from fonds.query import MAX_QUERY_LENGTH
from fonds.web import citing
from fonds.web.api_bodies import (
    About,
    Browse,
    CollectionBody,
    ErrorBody,
    History,
    Home,
    Person,
    RecordBody,
    SearchResult,
    VersionBody,
)
from fonds.web.search import DATE_PARAM_PATTERN, FILTER_FIELDS, MAX_FILTER_LENGTH, MAX_FILTERS

# -- operations ----------------------------------------------------------------------------

# search.py's _DATE, on the value with surrounding white space stripped (ASCII digits only).
DATE_PATTERN = r"^\s*(" + DATE_PARAM_PATTERN[1:-1] + r")?\s*$"  # empty means no bound
# Search parameters that may be sent empty (`?sort=&page=`, as forms send them): empty means the default.
EMPTY_MEANS_DEFAULT = ("from", "to", "sort", "page")
MAX_ID_LENGTH = MAX_LENGTH  # the identifier rule (fonds.identifiers); a longer id is a 404 (app._path_id)
FILTER_PATTERN = rf"^({'|'.join(FILTER_FIELDS)}):[\s\S]+$"

NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "No such record, person or collection"}
}
GONE: dict[int | str, dict[str, Any]] = {410: {"model": ErrorBody, "description": "The record was withdrawn"}}
BAD_SEARCH: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "The search or one of its parameters cannot be read"}
}

RecordId = Annotated[
    str,
    Path(
        min_length=1,
        max_length=MAX_ID_LENGTH,
        description="a record id, percent-encoded",
        examples=["wcda-110485", "frus1961-63v06-d1"],
    ),
]
PersonId = Annotated[
    str,
    Path(
        min_length=1,
        max_length=MAX_ID_LENGTH,
        description="an authority id, percent-encoded",
        examples=["frus:frus1961-63v06#p_KNS2"],
    ),
]
CollectionId = Annotated[
    str,
    Path(
        min_length=1,
        max_length=MAX_ID_LENGTH,
        description="a collection id, percent-encoded",
        examples=["frus1961-63v06", "NKIDP"],
    ),
]
ExportFormat = Annotated[
    str,
    Path(
        description="tei, oai_dc (also dc), csl-json, bibtex, ris or chicago",
        json_schema_extra=lambda schema: schema.update(enum=sorted(citing.exports())),
    ),
]


def operations(formats: dict[str, citing.Export]) -> APIRouter:
    """The JSON twins (and the export downloads), as FastAPI operations that are only described."""
    router = APIRouter()
    downloads: dict[str, dict[str, Any]] = {fmt.media_type.split(";")[0]: {"schema": {}} for fmt in formats.values()}

    @router.get("/index.json", response_model=Home, operation_id="home", summary="What the archive holds")
    def home() -> None:
        """Counts, collections, the span of dates, languages and repositories: the home page's data."""

    @router.get(
        "/search.json",
        response_model=SearchResult,
        responses=BAD_SEARCH,
        operation_id="search",
        summary="Search the archive",
    )
    def search(
        q: Annotated[
            str,
            Query(
                max_length=MAX_QUERY_LENGTH,
                description=(
                    "The search, in the query language of /about.json: words, \"phrases\", OR, NOT, "
                    "prefix*, and the filters the facets add (lang:ru, person:\"Kim Il Sung\", "
                    "repository:AVPRF, collection:NKIDP, type:\"Memorandum of Conversation\", "
                    "date:1962-08..1962-12). Empty finds every record."
                ),
                examples=["Kim Il Sung", 'person:"Kim Il Sung" lang:ru'],
            ),
        ] = "",
        # Optional without a default: `str = Query(None)` keeps `null` out of the documented type.
        date_from: str = Query(
            None, alias="from", pattern=DATE_PATTERN, description="earliest date: 1962, 1962-08 or 1962-08-14"
        ),
        date_to: str = Query(
            None, alias="to", pattern=DATE_PATTERN, description="latest date: 1962, 1962-08 or 1962-08-14"
        ),
        sort: Annotated[
            Literal["relevance", "date", "-date"],
            Query(description="relevance, date (oldest first) or -date (newest first)"),
        ] = "relevance",
        page: Annotated[
            int,
            Query(ge=1, description="1, 2, 3...; each page holds the `page_size` setting's number of hits"),
        ] = 1,
        filter: Annotated[
            list[Annotated[str, Field(pattern=FILTER_PATTERN, max_length=MAX_FILTER_LENGTH + 12)]],
            Query(
                max_length=MAX_FILTERS,
                description=(
                    "FIELD:VALUE, repeated: records whose FIELD (lang, repository, collection, type, person) "
                    "has exactly VALUE, whatever characters it holds. The facets' links add these."
                ),
                examples=[["type:Letter", "collection:NKIDP"]],
            ),
        ] = [],  # noqa: B006 - FastAPI copies defaults
        facets: Literal["always"] = Query(
            None,
            description=(
                "always: count the facets now, however many records the search finds. Without it a search "
                "of more than 20,000 records answers at once with `facets_deferred` and no counts, unless "
                "they were counted before for the archive as it is"
            ),
        ),
    ) -> None:
        """Hits with highlighted snippets, and facet counts over all hits.

        A search that cannot be parsed, a date that is not one, or a page past the
        10,000th hit is a 400 whose message says what to change.
        """

    @router.get(
        "/records/{id}.json",
        response_model=RecordBody,
        responses=NOT_FOUND,
        operation_id="record",
        summary="One record",
    )
    def record(id: RecordId) -> None:
        """The Record JSON: metadata, source and reference, credits, renditions with editorial marks, persons."""

    @router.get(
        "/records/{id}.{format}",
        operation_id="record_export",
        summary="One record in an export format",
        response_class=Response,
        responses={
            200: {"description": "The record as a download", "content": downloads},
            404: {"description": "No such record", "content": {"text/html": {"schema": {"type": "string"}}}},
        },
    )
    def record_export(id: RecordId, format: ExportFormat) -> None:
        """TEI XML, Dublin Core XML, CSL-JSON, BibTeX, RIS or a Chicago citation, as an attachment."""

    @router.get(
        "/persons/{id}.json",
        response_model=Person,
        responses=NOT_FOUND,
        operation_id="person",
        summary="One person",
    )
    def person(id: PersonId) -> None:
        """The preferred name, every variant and its source, the person's documents, and who appears with them."""

    @router.get(
        "/collections/{id}.json",
        response_model=CollectionBody,
        responses={**NOT_FOUND, **BAD_SEARCH},
        operation_id="collection",
        summary="One collection and its contents",
    )
    def collection(
        id: CollectionId,
        page: Annotated[int, Query(ge=1, description="1, 2, 3...: a collection listed by date comes 100 records a page")] = 1,
    ) -> None:
        """Title, description, date span, counts, and the table of contents: a FRUS volume's chapters and
        documents by number, as printed; any other collection's parts, then its records by date."""

    @router.get(
        "/records/{id}/history.json",
        response_model=History,
        responses={**NOT_FOUND, **GONE},
        operation_id="record_history",
        summary="A record's versions, and what changed between two",
    )
    def record_history(
        id: RecordId,
        a: int = Query(None, ge=1, description="compare from this version (default: the one before `b`)"),
        b: int = Query(None, ge=1, description="compare to this version (default: the latest)"),
    ) -> None:
        """Every version (number, time, who or what, note) and a word-level diff of the fields a reader sees."""

    @router.get(
        "/records/{id}/v/{number}.json",
        response_model=VersionBody,
        responses={**NOT_FOUND, **GONE},
        operation_id="record_version",
        summary="One version of a record, as it was",
    )
    def record_version(id: RecordId, number: int = Path(ge=1, le=999_999_999)) -> None:
        """Version `number` of the record: a citable state that later versions never change."""

    @router.get("/browse.json", response_model=Browse, operation_id="browse", summary="Collections and repositories")
    def browse() -> None:
        """The collection tree and the repositories' archival hierarchy."""

    @router.get("/about.json", response_model=About, operation_id="about", summary="How to search and cite")
    def about() -> None:
        """Search examples, the query fields, the citation formats and the export formats."""

    return router


def schema(title: str) -> dict[str, Any]:
    """The OpenAPI schema of the JSON API."""
    document: dict[str, Any] = get_openapi(
        title=f"{title}: JSON API",
        version=__version__,
        summary="The JSON twins of the reading room's pages, and the record exports.",
        description=(
            "Every page of the reading room has a JSON twin at the same address with `.json` added. "
            "Errors are JSON too: `{\"ok\": false, \"error\": \"...\", \"status\": 404}`. "
            "Ids in paths are percent-encoded."
        ),
        routes=operations(citing.exports()).routes,
    )
    # FastAPI documents a 422 for its own parameter validation; these routes read their
    # parameters themselves and answer 400 (or 404 for a path), so no 422 is ever sent.
    for path in document["paths"].values():
        for operation in path.values():
            operation["responses"].pop("422", None)
    for parameter in document["paths"]["/search.json"]["get"]["parameters"]:
        if parameter["name"] in EMPTY_MEANS_DEFAULT:
            parameter["allowEmptyValue"] = True
    for name in ("HTTPValidationError", "ValidationError"):
        document["components"]["schemas"].pop(name, None)
    return document
