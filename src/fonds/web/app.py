"""The reading room: every route, the one error handler, and `serve`.

Each page has a JSON twin from the same handler and the same data: `/search`
and `/search.json`, `/records/ID` and `/records/ID.json`. `/openapi.json`
describes the JSON twins (fonds.web.api). Record and person IDs in paths are
untrusted: they are only ever looked up, never built into anything but escaped
HTML and quoted links.
"""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, AsyncIterator, Awaitable, Callable, Mapping
from urllib.parse import parse_qsl

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from fonds.authority_edits import resolve_alias
from fonds.config import Settings
from fonds.errors import BadRequest, FondsError, NotFound, QueryError, UnreadableRecord, bounded
from fonds.index import Index
from fonds.store.base import Store
from fonds.web import api, citing, corrections, fallback, history, iiif, oai_page, staff, uploads
from fonds.web import proposals as proposal_pages
from fonds.web import repositories as repository_pages
from fonds.web.api import MAX_ID_LENGTH
from fonds.web.browse import browse_page
from fonds.web.collections import collection_page
from fonds.web.pages import (
    Archive,
    about_page,
    collection_href,
    filter_href,
    home_page,
    person_href,
    record_href,
    search_href,
)
from fonds.web.persons import person_page
from fonds.web.reader import reader_view
from fonds.web.records import record_page
from fonds.web.search import read_params, search_page
from fonds.web.sessions import MAX_FORM_BYTES, Sessions, form_view

HERE = Path(__file__).resolve().parent
LOG = logging.getLogger("fonds.web")
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
View = Callable[[Request, Archive], Any]


@dataclass(frozen=True)
class ErrorPage:
    status: int
    title: str
    message: str
    query: str = ""
    is_query_error: bool = False
    template: str = "error.html"

    def json(self) -> dict[str, Any]:
        return {"ok": False, "error": self.message, "status": self.status}


# -- views: each returns a page dataclass (or a Response for downloads) -----------------------


def home(request: Request, archive: Archive) -> Any:
    return home_page(archive)


def search(request: Request, archive: Archive) -> Any:
    params = read_params(request.query_params, request.query_params.getlist("filter"))
    moved = repository_pages.retired_filter_redirect(request, archive)  # a merged or renamed repository's old name
    if moved is not None:
        return moved
    if not params.full_query.strip() and not params.filters and not _wants_json(request):
        return home_page(archive)  # an empty search: the archive's overview, not every record as results for ''
    return search_page(archive, params, links=not _wants_json(request))


def record(request: Request, archive: Archive) -> Any:
    raw = _path_id(request, "record_path")
    try:
        rec, fmt = _record_and_format(archive, raw, with_format=not _wants_json(request))
    except NotFound:
        gone = history.tombstone(archive, raw)
        if gone is None:
            raise
        links = staff.staff_links(request, raw)
        return replace(gone, staff=links) if links else gone
    if fmt is not None:
        text, export = citing.export(rec, fmt)
        filename = f"{citing._safe_name(rec.id)}.{export.extension}"
        return Response(
            text,
            media_type=export.media_type,
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )
    page = record_page(archive, rec, public_base(request, archive))
    versions = archive.store.versions(rec.id)
    if versions:
        note = history.version_note(archive, page, versions[-1], versions[-1].number, public_base(request, archive))
        page = replace(page, version=note)
    links = staff.staff_links(request, rec.id)
    page = replace(page, reader=reader_view(rec, ""), files_base=public_base(request, archive))
    return replace(page, staff=links) if links else page


setattr(record, "contains_record", "record_path")  # a page that cannot be drawn answers its plain text (web/fallback.py)


def _contained(view: Any, request: Request, archive: Archive, error: BaseException) -> Any:
    """The plain page of the record a failing record view names (web/fallback.py), or None when
    the view names no record or the path no stored record."""
    record_param = getattr(view, "contains_record", None)
    if record_param is None:
        return None
    try:
        record, _ = _record_and_format(archive, _path_id(request, record_param))
    except NotFound:
        return None
    return fallback.fallback_page(archive, record, error)


def person(request: Request, archive: Archive) -> Any:
    entity_id = _path_id(request, "person_path")
    target = resolve_alias(archive.store, entity_id)
    if target is not None:  # a person merged into another: the old address leads to the kept one
        suffix = ".json" if _wants_json(request) else ""
        return RedirectResponse(person_href(target, suffix), status_code=301)
    return person_page(archive, entity_id)


def collection(request: Request, archive: Archive) -> Any:
    raw_page = request.query_params.get("page", "1") or "1"
    if not (raw_page.isascii() and raw_page.isdigit()) or int(raw_page) < 1:
        raise BadRequest(f"page {raw_page[:20]!r} is not a page number; use 1, 2, 3...")
    return collection_page(archive, _path_id(request, "collection_path"), int(raw_page))


def browse(request: Request, archive: Archive) -> Any:
    return browse_page(archive)


def about(request: Request, archive: Archive) -> Any:
    return about_page(archive, str(request.base_url))


def favicon(request: Request, archive: Archive) -> Any:
    """The site's icon, for browsers that ask for /favicon.ico (pages name /static/favicon.svg)."""
    return FileResponse(HERE / "static" / "favicon.svg", media_type="image/svg+xml",
                        headers={"Cache-Control": "public, max-age=86400"})


def openapi(request: Request, archive: Archive) -> Any:
    """The OpenAPI schema of the JSON twins (fonds.web.api)."""
    document = archive.cached("openapi", lambda: api.schema(archive.settings.repository_name))
    return JSONResponse(document)


def finding_aid(request: Request, archive: Archive) -> Any:
    """A collection as an EAD finding aid (fonds.web.finding_aid)."""
    from fonds.web.finding_aid import finding_aid as view

    return view(request, archive)


@form_view  # OAI-PMH 2.0, section 3.1.1: harvesters may POST their arguments
def oai_pmh(request: Request, archive: Archive) -> Any:
    """OAI-PMH 2.0 (fonds.web.oai): the protocol's own XML, errors included, always status 200."""
    from fonds.web import oai

    params: dict[str, list[str]] = {}
    form = getattr(request.state, "form_items", None)  # POST (OAI-PMH 2.0, section 3.1.1)
    for key, value in form if form is not None else request.query_params.multi_items():
        params.setdefault(key, []).append(value)
    base = public_base(request, archive) + "/oai"
    body = oai.respond(archive.store, archive.settings, params, base)
    if oai_page.wants_html(request.headers.get("accept", "")):  # a browser: the page its stylesheet draws
        page = oai_page.as_html(body, archive.settings.repository_name)
        return Response(page, media_type="text/html; charset=utf-8", headers={"Vary": "Accept"})
    return Response(body, media_type="text/xml; charset=utf-8", headers={"Vary": "Accept"})


# (path, view, name). A path ending in `{...:path}` takes `.json` (and, for records, export formats).
ROUTES: list[tuple[str, View, str]] = [
    ("/", home, "home"),
    ("/index.json", home, "home.json"),
    ("/search", search, "search"),
    ("/search.json", search, "search.json"),
    ("/records/{id}/history", history.history, "history"),
    ("/records/{id}/history.json", history.history, "history.json"),
    ("/records/{id}/v/{number}", history.version, "version"),
    ("/records/{id}/report", corrections.report, "report"),
    ("/records/{record_path:path}", record, "record"),
    ("/persons/{person_path:path}", person, "person"),
    # Before any /collections/{...:path} route: the finding aid of a collection (web/finding_aid.py).
    ("/collections/{collection_path:path}.ead.xml", finding_aid, "collection.ead"),
    ("/collections/{collection_path:path}.ead3.xml", finding_aid, "collection.ead3"),
    ("/collections/{collection_path:path}", collection, "collection"),
    ("/browse", browse, "browse"),
    ("/browse.json", browse, "browse.json"),
    ("/about", about, "about"),
    ("/about.json", about, "about.json"),
    ("/oai", oai_pmh, "oai"),
    ("/openapi.json", openapi, "openapi"),
    ("/iiif/{iiif_path:path}", iiif.iiif, "iiif"),
    ("/files/{sha256}", iiif.file_download, "file"),
    ("/favicon.ico", favicon, "favicon"),
    ("/staff/", staff.home, "staff"),
    ("/staff/index.json", staff.home, "staff.json"),
    ("/staff/login", staff.login, "staff-login"),
    ("/staff/logout", staff.logout, "staff-logout"),
    ("/staff/records/{record_id}/edit", staff.edit, "staff-edit"),
    ("/staff/records/{record_id}/withdraw", staff.withdraw, "staff-withdraw"),
    ("/staff/records/{record_id}/restore", staff.restore, "staff-restore"),
    ("/staff/records/{record_id}/attach", uploads.attach_form, "staff-attach"),
    ("/staff/jobs/{job_id}", uploads.job_page, "staff-job"),
    ("/staff/records/{record_id}/propose", proposal_pages.propose, "staff-propose"),
    ("/staff/proposals", proposal_pages.queue, "staff-proposals"),
    ("/staff/proposals.json", proposal_pages.queue, "staff-proposals.json"),
    ("/staff/proposals/{number}", proposal_pages.proposal, "staff-proposal"),
    ("/staff/review", staff.review, "staff-review"),
    ("/staff/review.json", staff.review, "staff-review.json"),
    ("/staff/corrections", staff.corrections, "staff-corrections"),
    ("/staff/corrections.json", staff.corrections, "staff-corrections.json"),
    ("/staff/persons/{entity_id:path}", staff.person, "staff-person"),
    ("/staff/repositories", repository_pages.repositories, "staff-repositories"),
    ("/staff/repositories.json", repository_pages.repositories, "staff-repositories.json"),
    ("/staff/repositories/{entity_id:path}", repository_pages.repository, "staff-repository"),
]
# Views that take forms say so (web/sessions.py: form_view, post_view); the rest answer GET and HEAD.
GET = ("GET", "HEAD")


# Bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): a title holding
# U+202E shows its text reversed and can make a file name or link read as another (CVE-2021-42574).
_BIDI_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])


def neutralise_bidi(value: Any) -> Any:
    """Text as shown on a page: bidirectional control characters removed (the stored record keeps
    them). Markup stays Markup: removing characters adds no HTML."""
    if isinstance(value, str) and not value.isascii():
        return type(value)(str.translate(value, _BIDI_CONTROLS))
    return value


def public_base(request: Request, archive: Archive) -> str:
    """The site's own address for canonical links, citation URLs and the OAI-PMH baseURL: the
    configured `base_url`, else the address the server listens on (`serve`). Never the request's
    Host header, which any client can forge; only an app made without either (tests) uses it."""
    listen = getattr(request.app.state, "listen_url", None)
    return (archive.settings.base_url or listen or str(request.base_url)).rstrip("/")


def unreadable_message(error: UnreadableRecord) -> str:
    """What a reader (and the archivist) is told when a record's stored row cannot be read:
    which record, that it is the archive's fault, and how staff mend it (docs/reliability.md)."""
    return (
        f"record {error.record_id!r} is damaged in this archive's store: its stored data cannot be read, "
        "so its page cannot be shown. This is not your mistake, and it has been logged. "
        "To the archivist: `fonds check` lists it; ingest the record again from its source file "
        "(`fonds ingest FILE`), or restore it from a dump, and its page comes back"
    )


def _wants_json(request: Request) -> bool:
    return request.url.path.endswith(".json")


def _path_id(request: Request, name: str) -> str:
    raw = str(request.path_params.get(name, ""))
    if raw.endswith(".json"):
        raw = raw[: -len(".json")]
    if not raw or len(raw) > MAX_ID_LENGTH + 16 or any(ord(c) < 32 for c in raw):  # 16: an export suffix
        raise NotFound(f"{raw!r} is not an identifier in this archive; search for the document instead")  # bounded
    return raw


def _record_and_format(archive: Archive, raw: str, *, with_format: bool = True) -> tuple[Any, str | None]:
    """The record a path names, and the export format after its last dot, if any.

    A `.json` twin names its record exactly: `/records/ID.tei.json` is the JSON of record
    `ID.tei`, never a TEI download.
    """
    try:
        return archive.store.get(raw), None
    except NotFound:
        pass
    stem, dot, fmt = raw.rpartition(".")
    if with_format and dot and stem and fmt in citing.exports():
        return archive.store.get(stem), fmt
    raise NotFound(
        f"there is no record {raw!r} in this archive; it may have been withdrawn, "
        "or the address may be mistyped. Search for it by title or date instead."
    )


# -- the app ---------------------------------------------------------------------------------


def create_app(store: Store, settings: Settings, index: Index | None = None) -> FastAPI:
    """The web application over one store and its index (opened beside the store if not given)."""
    if index is None:
        index = Index(settings.index_path)
        index.update(store)
    archive = Archive(store, index, settings)
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    env = templates.env
    env.autoescape = True
    env.finalize = neutralise_bidi  # every value a template prints
    env.globals.update(
        record_href=record_href,
        person_href=person_href,
        search_href=search_href,
        collection_href=collection_href,
        filter_href=filter_href,
        site_name=settings.repository_name,
    )
    app = FastAPI(title=settings.repository_name, docs_url=None, redoc_url=None, openapi_url=None, lifespan=_lifespan)
    app.state.archive = archive
    if not settings.read_only:
        uploads.jobs_of(archive)  # attach jobs a stopped server left unfinished go on (renditions/jobs.py)
    app.state.sessions = Sessions(store, settings)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    def render(request: Request, page: Any, status: int = 200) -> Response:
        status = getattr(page, "status", status)
        if _wants_json(request):
            response: Response = JSONResponse(page.json(), status_code=status)
        else:
            response = templates.TemplateResponse(request, page.template, {"page": page}, status_code=status)
        finish = getattr(page, "finish", None)
        if finish is not None:  # a page that sets a cookie (web/sessions.py)
            finish(response)
        return response

    def endpoint(view: View) -> Callable[[Request], Awaitable[Response]]:
        async def run(request: Request) -> Response:
            form = None
            if request.method == "POST":
                before_body = getattr(view, "before_body", None)  # an upload (web/uploads.py)
                if before_body is not None:
                    await _in_thread(before_body, request, archive)  # 403 before a large body is read
                    refused = _upload_refused(request, archive.settings.max_upload_mb)
                    if refused is not None:
                        return error_page(request, *refused)
                    form = await request.form(max_files=uploads.MAX_FILES, max_fields=50)
                    request.state.uploads = [(k, v) for k, v in form.multi_items() if not isinstance(v, str)]
                else:
                    if int(request.headers.get("content-length") or 0) > MAX_FORM_BYTES:
                        return error_page(request, 413, "the form is too large to take; send less text at once")
                    form = await request.form(max_files=0, max_fields=200)
                request.state.form = {k: v for k, v in form.items() if isinstance(v, str)}
                request.state.form_items = [(k, v) for k, v in form.multi_items() if isinstance(v, str)]
            try:
                result = await _in_thread(view, request, archive)
                if isinstance(result, Response):
                    return result
                response = render(request, result)
            except (FondsError, StarletteHTTPException, RequestValidationError):
                raise
            except Exception as error:  # a stored record the page code cannot draw: web/fallback.py
                contained = await _in_thread(lambda r, a: _contained(view, r, a, error), request, archive)
                if contained is None:
                    raise
                return render(request, contained)
            finally:
                if form is not None:
                    await form.close()  # an upload's spooled temporary files
            record_param = getattr(view, "contains_record", None)
            if record_param is not None and response.status_code == 200:
                await _in_thread(lambda r, a: fallback.drawn_path(a, str(r.path_params.get(record_param, ""))), request, archive)
            return response

        run.__name__ = view.__name__
        return run

    for path, view, name in ROUTES:
        methods = list(getattr(view, "methods", GET))
        app.add_api_route(path, endpoint(view), methods=methods, name=name, include_in_schema=False)

    def error_page(
        request: Request, status: int, message: str, *, is_query: bool = False, headers: Mapping[str, str] | None = None,
        title: str | None = None,
    ) -> Response:
        titles = {400: "That request could not be read", 404: "Not found in this archive", 405: "Not allowed",
                  403: "Not allowed", 411: "Length required", 413: "Too large", 429: "Too many attempts"}
        if is_query:
            titles[400] = "That search could not be run"
        page = ErrorPage(
            status=status,
            title=title or titles.get(status, "Something went wrong"),
            message=bounded(message),  # a 404 echoes the path it was given: at most a piece of it
            query=request.query_params.get("q", "") if is_query else "",
            is_query_error=is_query,
        )
        response = render(request, page, status)
        response.headers.update(headers or {})
        return response

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> Response:
        """A fault of fonds, not of the request: logged, answered 500 with every security header."""
        LOG.error("%s %s failed", request.method, request.url.path, exc_info=error)
        response = error_page(request, 500, "something went wrong on our side; it has been logged")
        response.headers.update(SECURITY_HEADERS)
        return response

    @app.exception_handler(FondsError)
    async def fonds_error(request: Request, error: FondsError) -> Response:
        if isinstance(error, UnreadableRecord):  # a damaged store row: say which, and how it is mended
            LOG.error("%s %s: %s", request.method, request.url.path, error)
            return error_page(request, 500, unreadable_message(error), title="This record cannot be shown")
        status = error.status if 400 <= error.status < 600 else 500
        message = str(error) if status < 500 else "the archive could not answer; try again, and tell the archivist if it goes on"
        return error_page(request, status, message, is_query=isinstance(error, QueryError))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        if error.status_code == 404:
            message = f"there is no page at {request.url.path!r}; start from the home page or search the archive"
        else:
            message = str(error.detail)
        return error_page(request, error.status_code, message, headers=error.headers)  # 405 keeps its Allow

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, error: RequestValidationError) -> Response:
        return error_page(request, 400, "the request's parameters could not be read; check the address")

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        for key, value in SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        if request.url.path.startswith("/staff/") or "set-cookie" in response.headers:
            response.headers["Cache-Control"] = "no-store"  # staff pages and sessions are never cached
        return response

    return app


def _upload_refused(request: Request, limit_mb: int) -> tuple[int, str] | None:
    """(status, message) for an upload refused by its headers alone: no length (411), too large (413)."""
    raw = request.headers.get("content-length")
    if raw is None:
        return 411, "an upload must say its length (Content-Length); send it from the form"
    if not raw.isdigit():
        return 400, "the upload's Content-Length is not a number"
    size = int(raw)
    if size > limit_mb * 1_000_000 + 64 * 1024:  # the form's fields and boundaries besides the files
        return 413, (f"the upload is {size / 1_000_000:.0f} MB, more than the limit of {limit_mb} MB; "
                     "send fewer files, or ask the archivist to raise max_upload_mb")
    return None


VIEW_THREADS = 8  # threads a serving process runs views in (anyio's default is 40)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """At start, bound the threads views run in (anyio's default limiter) to VIEW_THREADS.

    Views hold the GIL for most of their time, so more threads add no throughput, only memory:
    each thread keeps its own SQLite connection and page cache (store/sqlite.py), and a request
    waiting for a thread waits in the event loop instead.
    """
    anyio.to_thread.current_default_thread_limiter().total_tokens = VIEW_THREADS
    yield


async def _in_thread(view: View, request: Request, archive: Archive) -> Any:
    """Run a view in a worker thread: store and index calls block."""
    if getattr(archive.store, "thread_safe", False):  # a connection per thread, or a pool: no lock
        return await run_in_threadpool(view, request, archive)

    def locked() -> Any:
        with archive.store_lock:  # a store that shares one connection: one request at a time
            return view(request, archive)

    return await run_in_threadpool(locked)


# -- serving: fonds.web.serving (one process, or a supervisor and worker processes) ------------

from fonds.web.serving import Follower, serve  # noqa: E402 - kept importable from here

__all__ = ["ROUTES", "Follower", "create_app", "serve"]
