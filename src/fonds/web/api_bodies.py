"""The response bodies of the JSON twins: one pydantic model per twin's body, and the error body.

`fonds.web.api` names them as the `response_model` of each operation it describes, and FastAPI
writes them into the OpenAPI 3.1 schema at `/openapi.json` (under `components/schemas`). The
models only describe: the views build their bodies themselves, and `tests/web/test_api.py`
checks the real answers against the schema.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from fonds.web.collections import PRINTED_LIMIT

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
        description="exact counts over all hits by language, repository, collection, type, person and year; "
        "empty when `facets_deferred`"
    )
    facets_deferred: bool = Field(
        description="true when the search found more records than the counts are counted for at once "
        "(20,000) and they were not counted yet: `facets_href` has them"
    )
    facets_href: str | None = Field(
        description="when `facets_deferred`, this search with facets=always: the same answer with its counts"
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
    printed_order_omitted: bool = Field(
        False,
        description=f"a volume too big to list as printed on one page (over {PRINTED_LIMIT:,} documents), listed by date instead",
    )
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
