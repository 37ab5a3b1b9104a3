"""Attach jobs: files uploaded in the browser, attached in the background so that OCR of a long
scan neither blocks the server nor outlives the request.

A job is a folder `FILES/jobs/ID/` holding the uploaded files and `job.json` (what to attach, to
which record, for whom, and how far it got). One worker thread per server runs the jobs in the
order they came, one at a time (OCR itself runs in `ocr_workers` processes, renditions/ocr.py);
the page of a job (`/staff/jobs/ID`) shows its state as it changes. A job is resumable: a server
stopped in the middle finds the job `queued` or `running` when it starts again and runs it again,
and the per-page OCR cache makes the pages already read cost nothing. A job that fails keeps its
message and stores nothing (attach.py's all-or-nothing); its uploaded files are removed once it has
finished either way, because the file store holds what was attached.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import threading
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Callable

from fonds.errors import FondsError, NotFound

STATES = ("queued", "running", "done", "failed")


@dataclass(frozen=True)
class Job:
    """One upload to attach. `files` are names inside the job's folder; `done`/`total` count the
    current `stage`'s steps (OCR pages); `message` says what happened (or why it failed)."""

    id: str
    record_id: str
    kind: str
    language: str | None
    maker: str | None
    files: tuple[str, ...]
    agent: str
    note: str = ""
    state: str = "queued"
    stage: str = ""
    done: int = 0
    total: int = 0
    message: str = ""
    created: float = field(default_factory=time.time)
    finished: float | None = None

    @property
    def is_over(self) -> bool:
        return self.state in ("done", "failed")

    def to_dict(self) -> dict[str, object]:
        return {**asdict(self), "files": list(self.files)}

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> "Job":
        values = dict(data)
        values["files"] = tuple(str(f) for f in data.get("files", ()))  # type: ignore[attr-defined]
        return cls(**values)  # type: ignore[arg-type]


# (job, its folder, report(stage, done, total)) -> the message to show when it is done
Runner = Callable[[Job, Path, Callable[[str, int, int], None]], str]


class Jobs:
    """The jobs of one files folder, and the thread that runs them."""

    def __init__(self, root: Path, run: Runner) -> None:
        self.root = root
        self._run = run
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stop = False

    def folder(self, job_id: str) -> Path:
        if not (len(job_id) == 32 and all(c in "0123456789abcdef" for c in job_id)):
            raise NotFound(f"there is no attach job {job_id[:40]!r}; the staff home lists recent uploads")
        return self.root / job_id

    def new_folder(self) -> tuple[str, Path]:
        """A fresh job id and its (created) folder, for the uploaded files to be saved in."""
        job_id = secrets.token_hex(16)
        folder = self.root / job_id
        folder.mkdir(parents=True)
        return job_id, folder

    def submit(self, job: Job) -> Job:
        """Queue a job whose files are already in its folder, and wake the worker."""
        self._save(job)
        with self._lock:
            self._start()
        return job

    def get(self, job_id: str) -> Job:
        path = self.folder(job_id) / "job.json"
        try:
            return Job.from_dict(json.loads(path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            raise NotFound(f"there is no attach job {job_id!r}; the staff home lists recent uploads") from None

    def recent(self, record_id: str | None = None, limit: int = 20) -> list[Job]:
        """The newest jobs first (of one record, if given)."""
        found = []
        if self.root.is_dir():
            for folder in self.root.iterdir():
                try:
                    job = self.get(folder.name)
                except (NotFound, ValueError, TypeError, OSError):
                    continue
                if record_id is None or job.record_id == record_id:
                    found.append(job)
        found.sort(key=lambda j: j.created, reverse=True)
        return found[:limit]

    def resume(self) -> int:
        """Queue again every job a stopped server left queued or running; how many."""
        waiting = [j for j in self.recent(limit=10_000) if not j.is_over and not self._held_elsewhere(j.id)]
        for job in waiting:
            self._save(replace(job, state="queued", message="resumed after a restart" if job.state == "running" else ""))
        if waiting:
            with self._lock:
                self._start()
        return len(waiting)

    def _held_elsewhere(self, job_id: str) -> bool:
        """Whether another live process has claimed the job (it is running it now)."""
        try:
            holder = int((self.folder(job_id) / "claim").read_text() or "0")
        except (OSError, ValueError):
            return False
        return holder != os.getpid() and _alive(holder)

    def stop(self) -> None:
        """Let the worker end after the job it is running (a server shutting down, a test)."""
        with self._lock:
            self._stop = True

    def wait(self, job_id: str, timeout: float = 60.0) -> Job:
        """The job once it is over, or as it is after `timeout` seconds (for tests and the CLI)."""
        deadline = time.monotonic() + timeout
        while True:
            job = self.get(job_id)
            if job.is_over or time.monotonic() > deadline:
                return job
            time.sleep(0.05)

    # -- the worker ---------------------------------------------------------------------------

    def _start(self) -> None:
        """Start the worker unless it runs (called holding the lock)."""
        if self._thread is None:
            self._stop = False
            self._thread = threading.Thread(target=self._work, name="fonds-attach-jobs", daemon=True)
            self._thread.start()

    def _next(self) -> Job | None:
        """The oldest queued job this process could claim (several server processes may share the
        folder: a job is run by the one that creates its `claim` file first)."""
        queued = sorted((j for j in self.recent(limit=10_000) if j.state == "queued"), key=lambda j: j.created)
        for job in queued:
            if self._claim(job.id):
                return job
        return None

    def _claim(self, job_id: str) -> bool:
        claim = self.folder(job_id) / "claim"
        for _attempt in range(2):
            try:
                handle = os.open(claim, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            except FileExistsError:
                try:
                    holder = int(claim.read_text() or "0")
                except (OSError, ValueError):
                    return False
                if holder != os.getpid() and _alive(holder):
                    return False
                claim.unlink(missing_ok=True)  # its process is gone (a restart): take the job over
                continue
            with os.fdopen(handle, "w") as out:
                out.write(str(os.getpid()))
            return True
        return False

    def _work(self) -> None:
        """Run queued jobs until none is left, then end (the next submit starts a worker again):
        no thread outlives its work. The worker decides to end holding the lock, so a job
        submitted meanwhile either is found here or starts a new worker."""
        while True:
            with self._lock:
                job = None if self._stop else self._next()
                if job is None:
                    self._thread = None
                    return
            self._one(job)

    def _one(self, job: Job) -> None:
        folder = self.folder(job.id)
        job = replace(job, state="running", stage="reading the files", done=0, total=0)
        self._save(job)
        last = [0.0]

        def report(stage: str, done: int, total: int) -> None:
            nonlocal job
            job = replace(job, stage=stage, done=done, total=total)
            now = time.monotonic()
            if now - last[0] > 0.5 or done == total:  # the page polls; no need to write every page
                last[0] = now
                self._save(job)

        try:
            message = self._run(job, folder, report)
        except FondsError as error:
            job = replace(job, state="failed", message=str(error), finished=time.time())
        except Exception as error:  # noqa: BLE001 - a job's fault must not end the worker
            job = replace(job, state="failed", finished=time.time(),
                          message=f"the attach failed on our side ({type(error).__name__}); nothing was stored; "
                                  "tell the archivist")
        else:
            job = replace(job, state="done", stage="", message=message, finished=time.time())
        self._save(job)
        for name in job.files:
            (folder / name).unlink(missing_ok=True)
        (folder / "claim").unlink(missing_ok=True)

    def _save(self, job: Job) -> None:
        folder = self.folder(job.id)
        temporary = folder / "job.json.tmp"
        temporary.write_text(json.dumps(job.to_dict(), ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, folder / "job.json")


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def discard(folder: Path) -> None:
    """Remove a job folder whose upload was refused before it became a job."""
    shutil.rmtree(folder, ignore_errors=True)
