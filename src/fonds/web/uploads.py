"""Attaching files in the browser: `/staff/records/ID/attach` (the form and the upload) and
`/staff/jobs/JOB` (how the attach is going).

An editor uploads a scan (a PDF, or page images in order), a transcript or a translation, with its
kind, language and maker. The request is checked as the CLI checks (renditions/attach.precheck:
empty, damaged, encrypted, over the page limit, not a PDF or an image) and refused with the message
and nothing stored; what passes becomes an attach job (renditions/jobs.py), run in the background
so that OCR of a long scan neither blocks the server nor times out the request. The job page shows
its state and progress and reloads itself while it runs. The record's new version names the
uploader; the audit log says who attached what.

The size limit (`max_upload_mb`) is checked against Content-Length before the body is read, and
the role (editor) from the session cookie before that; the CSRF token travels in the form.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence
from urllib.parse import quote

from fastapi import Request
from starlette.datastructures import UploadFile

from fonds.errors import RecordError
from fonds.record import Record
from fonds.renditions.attach import KINDS, Options, attach, precheck
from fonds.renditions.files import FileStore
from fonds.renditions.jobs import Job, Jobs, discard
from fonds.store.curation import User
from fonds.web.pages import Archive, record_href
from fonds.web.sessions import form_view
from fonds.web.staff import StaffPage, agent, posted, see_other, sessions, staff_user

LOG = logging.getLogger("fonds.web")
MAX_FILES = 500  # page images in one upload
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*\Z")
_CHUNK = 1 << 20


def jobs_of(archive: Archive) -> Jobs:
    """The archive's attach jobs (one worker per server process), made on first use; jobs a
    stopped server left unfinished are resumed then."""
    def build() -> Jobs:
        made = Jobs(archive.settings.files_path / "jobs", _runner(archive))
        made.resume()
        return made

    with archive.store_lock:
        found = getattr(archive, "_attach_jobs", None)
        if found is None:
            found = build()
            setattr(archive, "_attach_jobs", found)
    jobs: Jobs = found
    return jobs


def _runner(archive: Archive) -> Callable[[Job, Path, Callable[[str, int, int], None]], str]:
    def run(job: Job, folder: Path, report: Callable[[str, int, int], None]) -> str:
        settings = archive.settings
        options = Options(kind=job.kind, language=job.language, maker=job.maker, workers=settings.ocr_workers,
                          max_pages=settings.max_pages)
        paths = [folder / name for name in job.files]
        done = attach(archive.store, FileStore(settings.files_path), job.record_id, paths, options,
                      progress=report, agent=job.agent, note=job.note)
        archive.store.audit(job.agent, "attach", job.record_id, job.note or ", ".join(job.files))
        try:
            archive.index.update(archive.store)
        except Exception:  # noqa: BLE001 - stored is stored; the server's follower catches the index up
            LOG.warning("the index did not take the attach to %s at once; the follower will", job.record_id, exc_info=True)
        kinds = ", ".join(f"{r.kind} ({r.language or '?'}{', ' + str(len(r.images)) + ' pages' if r.images else ''})"
                          for r in done.renditions)
        text = f"; {done.layer_pages} pages from the text layer, {done.ocr_pages} OCRed" if done.ocr_pages or done.layer_pages else ""
        return f"{'attached' if done.result.changed else 'already attached, nothing changed'}: {kinds}{text}"

    return run


# -- the form ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttachPage(StaffPage):
    record: Record | None = None
    jobs: tuple[Job, ...] = ()
    problems: tuple[str, ...] = ()
    values: tuple[tuple[str, str], ...] = ()
    limit_mb: int = 0
    kinds: tuple[str, ...] = KINDS
    status: int = 200
    template: str = "staff_attach.html"

    def value(self, name: str) -> str:
        return dict(self.values).get(name, "")

    def json(self) -> dict[str, Any]:
        return {"id": self.record.id if self.record else None, "problems": list(self.problems),
                "jobs": [job_json(j) for j in self.jobs], "max_upload_mb": self.limit_mb}


def upload_href(record_id: str) -> str:
    return f"/staff/records/{quote(record_id, safe='')}/attach"


def job_href(job_id: str) -> str:
    return f"/staff/jobs/{job_id}"


def _page(request: Request, archive: Archive, user: User, record: Record, problems: Sequence[str] = (),
          values: dict[str, str] | None = None, status: int = 200) -> AttachPage:
    return AttachPage(user, sessions(request).csrf_token(request), record, tuple(jobs_of(archive).recent(record.id, 10)),
                      tuple(problems), tuple((values or {}).items()), archive.settings.max_upload_mb, KINDS,
                      status)


def before_upload(request: Request, archive: Archive) -> None:
    """Run before the body of an upload is read: only an editor may send one (403 otherwise)."""
    staff_user(request, "editor")


@form_view
def attach_form(request: Request, archive: Archive) -> Any:
    """GET: the form and this record's recent uploads. POST (multipart): check and queue the upload."""
    record_id = str(request.path_params["record_id"])
    if request.method != "POST":
        user = staff_user(request, "editor")
        return _page(request, archive, user, archive.store.get(record_id))
    user, form = posted(request, "editor")
    record = archive.store.get(record_id)
    values = {k: form.get(k, "").strip()[:200] for k in ("kind", "language", "maker", "note")}
    uploads = [u for _field, u in getattr(request.state, "uploads", []) if u.filename or u.size]
    try:
        options = _options(values, archive)
        if not uploads:
            raise RecordError("file: choose the file to attach (a PDF, page images, or a text or HTML file)")
        if len(uploads) > MAX_FILES:
            raise RecordError(f"file: {len(uploads)} files in one upload; send at most {MAX_FILES}")
    except RecordError as error:
        return _page(request, archive, user, record, [str(error)], values, 400)
    jobs = jobs_of(archive)
    job_id, folder = jobs.new_folder()
    try:
        names = _save(uploads, folder, archive.settings.max_upload_mb * 1_000_000)
        precheck([folder / n for n in names], options)
    except RecordError as error:
        discard(folder)
        message = str(error).replace(str(folder) + "/", "")  # name the file as the editor named it
        return _page(request, archive, user, record, [message], values, 400)
    except BaseException:
        discard(folder)
        raise
    job = Job(job_id, record.id, options.kind, options.language, options.maker, tuple(names), agent(user),
              values["note"] or "")
    jobs.submit(job)
    archive.store.audit(agent(user), "upload", record.id, f"{options.kind}: {', '.join(names[:3])}")
    return see_other(job_href(job_id))


def _options(values: dict[str, str], archive: Archive) -> Options:
    kind = values["kind"]
    if kind not in KINDS:
        raise RecordError(f"kind: choose one of {', '.join(KINDS)}")
    language = values["language"] or None
    if language is not None and not _LANGUAGE.match(language):
        raise RecordError(f"language: {language[:20]!r} is not a language code; give ISO 639-1, e.g. ru, en, zh-Hant, de-Latf")
    if language is None and kind != "scan":
        raise RecordError(f"language: say which language the {kind} is in (e.g. en, ru)")
    maker = " ".join(values["maker"].split()) or None
    settings = archive.settings
    return Options(kind=kind, language=language, maker=maker, workers=settings.ocr_workers, max_pages=settings.max_pages)


def safe_name(filename: str | None, n: int) -> str:
    """A file name to keep an upload under in its job folder: the browser's name without any folder
    part, control or path characters, at most 100 characters; `upload-N` if nothing is left."""
    name = unicodedata.normalize("NFC", (filename or "").replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(c if (c.isalnum() or c in "._- ()") else "_" for c in name).strip(" .")[:100]
    return name or f"upload-{n}"


def _save(uploads: Sequence[UploadFile], folder: Path, limit: int) -> list[str]:
    """Copy each upload into `folder`; RecordError if they pass `limit` bytes together."""
    names: list[str] = []
    total = 0
    for n, upload in enumerate(uploads, 1):
        name = safe_name(upload.filename, n)
        while name in names:
            name = f"{n}-{name}"
        names.append(name)
        upload.file.seek(0)
        with (folder / name).open("wb") as out:
            while chunk := upload.file.read(_CHUNK):
                total += len(chunk)
                if total > limit:
                    raise RecordError(f"the upload passes the limit of {limit // 1_000_000} MB; "
                                      "send fewer files, or ask the archivist to raise max_upload_mb")
                out.write(chunk)
    return names


# -- a job -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class JobPage(StaffPage):
    job: Job | None = None
    template: str = "staff_job.html"

    @property
    def record_url(self) -> str:
        return record_href(self.job.record_id) if self.job else "/"

    def json(self) -> dict[str, Any]:
        return job_json(self.job) if self.job else {}


def job_json(job: Job) -> dict[str, Any]:
    return {"id": job.id, "record": job.record_id, "kind": job.kind, "language": job.language, "files": list(job.files),
            "state": job.state, "stage": job.stage, "done": job.done, "total": job.total, "message": job.message,
            "by": job.agent}


def job_page(request: Request, archive: Archive) -> Any:
    """An attach job's state (the page reloads itself until the job is over)."""
    user = staff_user(request, "editor")
    raw = str(request.path_params["job_id"])
    job_id = raw[: -len(".json")] if raw.endswith(".json") else raw
    return JobPage(user, sessions(request).csrf_token(request), jobs_of(archive).get(job_id))


setattr(attach_form, "before_body", before_upload)
