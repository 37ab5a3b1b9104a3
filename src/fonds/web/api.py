"""The JSON API: the OpenAPI schema of the JSON twins, served at `/openapi.json`.

The JSON twins are served by the routes in `app.py` (one handler for a page and
its twin). This module only describes them: a response model for each twin's
body and for the error body, and one operation per twin with its parameters,
from which FastAPI writes the OpenAPI 3.1 schema. The operations here are never
mounted. `tests/web/test_api.py` keeps the two honest: schemathesis calls the
real routes with what the schema allows (and what it forbids) and checks each
answer against the schema.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Response
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, Field

from fonds import __version__
from fonds.identifiers import MAX_LENGTH
from fonds.query import MAX_QUERY_LENGTH
from fonds.web import citing
from fonds.web.search import DATE_PARAM_PATTERN, FILTER_FIELDS, MAX_FILTER_LENGTH, MAX_FILTERS

# -- response bodies -----------------------------------------------------------------------
# Keys may be added to every body (DESIGN.md: "keys may be added, these stay"), so no model
# forbids extra properties.


class ErrorBody(BaseModel):
    """What every JSON twin answers when it cannot answer: the message says what to do."""

    ok: Literal[False]
    error: str = Field(description="what went wrong, and what to do")
    status: int = Field(description="the HTTP status, repeated")


class Count(BaseModel):
    records: int


class CollectionSummary(Count):
    id: str
    title: str


class DateSpan(BaseModel):
    first_year: int | None
    last_year: int | None


class LanguageCount(Count):
    code: str = Field(description="a language code, such as ru")
    name: str


class RepositoryCount(Count):
    name: str


class Home(BaseModel):
    """`/index.json`: what the archive holds."""

    name: str
    records: int
    persons: int
    collections: list[CollectionSummary]
    date_span: DateSpan
    languages: list[LanguageCount]
    repositories: list[RepositoryCount]


class Hit(BaseModel):
    id: str
    title: str
    date: str | None = Field(description="the date as the record gives it")
    type: str | None
    snippet: str = Field(description="HTML: escaped text with the matched words in <mark>")
    matched: list[str] = Field(description="the forms of a name that matched, when a name was expanded")


class FacetCount(BaseModel):
    value: str
    count: int


class FilterBody(BaseModel):
    field: str = Field(description="lang, repository, collection, type or person")
    value: str


class SearchResult(BaseModel):
    """`/search.json`: `{"total", "hits": [{"id", "title", "date", "snippet", "matched"}], "facets"}`."""

    query: str = Field(description="the query as run, with the date range added")
    filters: list[FilterBody] = Field(description="the filters on, each a field and its exact value")
    total: int
    offset: int = Field(description="how many hits come before the first one here")
    hits: list[Hit]
    facets: dict[str, list[FacetCount]] = Field(
        description="counts over all hits by language, repository, collection, type, person and year"
    )


class HistoricalDateBody(BaseModel):
    text: str | None = Field(description="the date as printed")
    earliest: str | None = Field(description="YYYY-MM-DD, the earliest day it can be")
    latest: str | None = Field(description="YYYY-MM-DD, the latest day it can be")
    edtf: str | None = Field(description="the date in the Extended Date/Time Format")


class SourceBody(BaseModel):
    citation: str | None
    repository: str | None
    repository_code: str | None
    reference: dict[str, str] = Field(description="fond, opis, papka, delo, listy... as given")
    classification: str | None
    drafter: str | None
    publication: str | None = Field(None, description="a published source the citation names instead of a repository")
    repository_printed: str | None = Field(None, description="the repository's name as printed, when it differs from the authority's")


class CreditBody(BaseModel):
    role: str
    name: str


class MarkBody(BaseModel):
    kind: str = Field(
        description="supplied, gap, alternate, illegible, unclear, sic, signature, stamp, handwritten, redacted or page"
    )
    start: int
    end: int
    text: str
    alternate: str | None = None


class NoteBody(BaseModel):
    n: str
    text: str
    offset: int | None = None


class PageBreakBody(BaseModel):
    n: str
    offset: int


class RenditionBody(BaseModel):
    kind: str = Field(description="translation, transcript, scan or original")
    language: str | None
    label: str | None
    text: str
    marks: list[MarkBody]
    notes: list[NoteBody]
    pages: list[PageBreakBody]


class PersonLinkBody(BaseModel):
    id: str
    name: str
    role: str
    source: str | None = None
    confidence: float | None = None
    text: str | None = None
    start: int | None = None
    end: int | None = None
    rendition: int | None = None


class VersionRow(BaseModel):
    number: int
    at: str = Field(description="ISO 8601 UTC time")
    by: str = Field(description="who or what made it: `user NAME`, `ingest FILE`...")
    note: str
    kind: Literal["change", "withdrawn"]
    href: str


class DiffRun(BaseModel):
    op: Literal["equal", "delete", "insert"]
    text: str


class FieldDiff(BaseModel):
    field: str
    old: str
    new: str
    runs: list[DiffRun]


class Diff(BaseModel):
    from_: int = Field(alias="from")
    to: int
    changes: list[FieldDiff]


class History(BaseModel):
    """`/records/{id}/history.json`."""

    id: str
    versions: list[VersionRow]
    diff: Diff


class VersionInfo(BaseModel):
    number: int
    at: str
    by: str
    note: str
    latest: int


class VersionBody(BaseModel):
    """`/records/{id}/v/{number}.json`: the version and the record as it was (without `origin`)."""

    id: str
    version: VersionInfo
    record: dict[str, Any]


class RecordBody(BaseModel):
    """`/records/{id}.json`: the Record JSON of DESIGN.md."""

    id: str
    title: str
    type: str | None
    date: HistoricalDateBody
    summary: str | None
    original_languages: list[str]
    source: SourceBody
    credits: list[CreditBody]
    collections: list[str]
    url: str | None
    number: str | None = Field(description="the document's number: Wilson Center document number, FRUS @n")
    chapter: str | None = Field(None, description="the FRUS chapter or compilation the document stands in")
    place: str | None
    subjects: list[str]
    participants: list[str]
    renditions: list[RenditionBody]
    persons: list[PersonLinkBody]


class VariantBody(BaseModel):
    name: str
    kind: str
    source: str | None


class PersonRecord(BaseModel):
    id: str
    title: str
    date: str = Field(description="the date as printed, or 'undated'")
    year: str = Field(description="the year of its earliest bound, or 'undated'")


class Companion(BaseModel):
    id: str
    name: str
    records: int = Field(description="records that name both")
    met: int = Field(description="memoranda of conversation where both took part")


class NameForm(BaseModel):
    name: str
    kind: str
    sources: list[str]
    documents: int = Field(description="documents that print this spelling (for spellings found in them)")


class YearCount(BaseModel):
    year: str = Field(description="a year, or 'undated'; every year from the first to the last, the empty ones too")
    records: int


class Person(BaseModel):
    """`/persons/{id}.json`: a name authority entry, its documents and who appears with them."""

    id: str
    kind: str
    preferred: str
    description: str | None
    dates: str | None
    variants: list[VariantBody]
    sources: list[str]
    family: str | None = None
    given: str | None = None
    language: str | None = None
    titles: list[str] | None = None
    names: dict[str, list[NameForm]] = Field(
        description="preferred, original, romanized, printed (spellings in documents): each form and its sources"
    )
    records: list[PersonRecord]
    years: list[YearCount]
    appears_with: list[Companion]


class CollectionNode(CollectionSummary):
    children: list[CollectionNode]


class Item(BaseModel):
    id: str
    title: str


class Level(Count):
    label: str = Field(description="a repository, or one part of a reference: 'fond 0102'")
    children: list[Level]
    items: list[Item]


class Browse(BaseModel):
    """`/browse.json`: collections, and repositories by fond, opis, papka and delo."""

    collections: list[CollectionNode]
    repositories: list[Level]


class TocItem(BaseModel):
    id: str
    title: str
    date: str | None
    type: str | None
    number: str | None = Field(description="the document number a volume prints (\"66\"), if any")


class TocSection(Count):
    id: str
    title: str
    kind: str
    items: list[TocItem]
    sections: list[TocSection]


class CollectionBody(Count):
    """`/collections/{id}.json`: a collection and its table of contents, in its own order."""

    id: str
    title: str
    label: str = Field(description="the title, qualified when another collection has the same one")
    kind: str = Field(description="volume, compilation, chapter, project, or an archival level")
    parent: str | None
    description: str
    date_span: DateSpan
    order: Literal["document number", "date"]
    sections: list[TocSection]
    items: list[TocItem]
    page: int
    pages: int


class SearchExample(BaseModel):
    example: str
    meaning: str


class ProvenanceBody(BaseModel):
    name: str
    publisher: str
    url: str
    rights: str = Field(description="the rights its publisher states, in words")
    rights_statement: str | None = Field(description="a rightsstatements.org address, when one applies")


class About(BaseModel):
    """`/about.json`: where the records come from, how to search, the citation formats and the exports."""

    name: str
    search: list[SearchExample]
    fields: list[str]
    citation_formats: list[str]
    exports: list[str]
    sources: list[ProvenanceBody]
    oai_pmh: str = Field(description="the OAI-PMH base URL")
    openapi: str = Field(description="the address of this schema")


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
