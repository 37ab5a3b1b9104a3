"""`fonds serve`: one process, or a supervisor and several uvicorn worker processes.

Who writes the index. Only one process may hold Tantivy's index writer, so exactly one
process follows the store's change log into the index (the `Follower` thread):

- `workers = 1`: the serving process itself, as before.
- `workers = N > 1`: the supervisor process (uvicorn's `Multiprocess`, which answers no
  request). It opens the store and the index, catches the index up, starts the follower,
  then starts N worker processes (spawned: each imports the app afresh through
  `worker_app`) that share the listening socket. Workers open the store and the index
  and never write the index. A worker that dies or hangs is replaced by the supervisor
  (uvicorn pings each worker every few seconds), while the others go on answering. A worker
  whose supervisor is gone (killed with -9) stops by itself within seconds.

How workers see new commits. The follower commits, then writes the checkpoint (the
change-log sequence number) into the index folder. Before each search a worker reads
the checkpoint (`Index.refresh`); when it moved, the worker reloads its Tantivy searcher,
so a record the follower has indexed is found through every worker within one follow
period (`sync_seconds`) plus one request. Caches keyed by the checkpoint (page caches in
`Archive.cached`, facet counts in `Index.search`) follow the same state.

Store access is not serialised: SQLite opens a connection per thread (WAL readers do not
block each other or the writer), PostgreSQL a pool; `app._in_thread` only locks for a
store that says it is not thread-safe. `--read-only` nodes (a PostgreSQL hot standby)
work the same way: the follower reads the change log from the standby and writes only the
node's own index.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import sys
import threading
import time
from dataclasses import asdict
from typing import TYPE_CHECKING

from fonds import priority
from fonds.config import Settings
from fonds.errors import FondsError
from fonds.index import Index
from fonds.store import open_store
from fonds.store.base import Store

if TYPE_CHECKING:
    import uvicorn
    from fastapi import FastAPI

LOG = logging.getLogger("fonds.web")
WORKER_ENV = "FONDS_SERVE_WORKER"  # what a worker process needs: the settings and the listen address, as JSON


FOLLOWER_NICE = 10  # how much nicer the follower thread runs than the threads answering requests (one process)


class Follower:
    """A background thread that follows the store's change log into the index, at a lower CPU
    priority than the threads answering requests (fonds.priority; Tantivy's indexing and merging
    threads, started by the IndexWriter each round makes in this thread, inherit it):

    - `idle=True` (the supervisor of `serve --workers N`, which answers no request): SCHED_IDLE.
      It runs only on a core no worker wants, so indexing an ingest's records never delays a page.
      Nothing a worker waits on is held by it: the workers read the index without a lock, the
      store through their own connections, and their GIL is their own.
    - `idle=False` (a single-process `serve`): FOLLOWER_NICE steps nicer. Not idle there: the
      follower shares the GIL with the request threads, and a starved idle thread holding it
      would stop them all (priority inversion); a niced thread still gets its tenth of a core.

    It outlives any error: a failed round is logged and counted (`failures`), and the
    next round, `seconds` later, tries again from the index's checkpoint.
    """

    def __init__(self, store: Store, index: Index, seconds: float, *, idle: bool = False) -> None:
        self.store = store
        self.index = index
        self.seconds = seconds
        self.idle = idle
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="fonds-index-follower", daemon=True)
        self.failures = 0  # rounds that failed (logged); the next round tries again

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=max(5.0, self.seconds * 2))

    def _run(self) -> None:
        if not (self.idle and priority.idle_thread()):
            priority.lower_thread(FOLLOWER_NICE)
        while not self._stop.wait(self.seconds):
            try:
                self.index.update(self.store)
            except FondsError as error:  # keep serving what the index has; say why it lags
                self.failures += 1
                print(f"fonds: the index could not follow the store: {error}", file=sys.stderr)
            except Exception:  # noqa: BLE001 - the follower outlives any error and tries again
                self.failures += 1
                LOG.exception("the index could not follow the store; trying again in %s s", self.seconds)


def warm(app: FastAPI) -> None:
    """Load the archive's names (fonds.naming_cache) in a background thread, so the server answers
    while they load and the first search rarely waits for them."""

    def run() -> None:
        try:
            app.state.archive.names()
        except Exception:  # noqa: BLE001 - the first search builds them again and reports what fails
            LOG.warning("the archive's names could not be loaded ahead of the first search", exc_info=True)

    threading.Thread(target=run, name="fonds-names", daemon=True).start()


def _listen_url(settings: Settings, host: str, port: int) -> str | None:
    """The address links use when `base_url` is unset (warned about once, at start)."""
    if settings.base_url:
        return None
    shown_host = f"[{host}]" if ":" in host else host
    url = f"http://{shown_host}:{port}"
    print(
        f"fonds: warning: base_url is not set; links, citations and OAI-PMH use "
        f"{url} (set FONDS_BASE_URL to the public address)",
        file=sys.stderr,
        flush=True,
    )
    return url


def serve(settings: Settings, host: str, port: int) -> None:
    """Open the store and index, catch the index up, follow the change log, and serve until stopped.

    With `settings.workers` > 1, this process supervises that many worker processes and
    follows the change log; the workers answer requests (see the module docstring).
    The follower reads the change log through its own connection to the store.
    """
    import uvicorn

    follower_store = open_store(settings.db, read_only=settings.read_only)
    try:
        index = Index(settings.index_path)
        index.update(follower_store)
        listen_url = _listen_url(settings, host, port)
        shown = f"[{host}]" if ":" in host else host
        mode = " read-only" if settings.read_only else ""
        processes = f" with {settings.workers} worker processes" if settings.workers > 1 else ""
        if settings.workers > 1:
            os.environ[WORKER_ENV] = json.dumps({"settings": asdict(settings), "listen_url": listen_url,
                                                 "supervisor": os.getpid()})
            follower = Follower(follower_store, index, settings.sync_seconds, idle=True)
            follower.start()
            try:
                print(f"fonds: serving {settings.repository_name}{mode} at http://{shown}:{port}/{processes} "
                      "(Ctrl-C stops)", flush=True)
                _run_workers(uvicorn.Config("fonds.web.serving:worker_app", factory=True, workers=settings.workers,
                                            host=host, port=port, log_level="warning"))
            finally:
                follower.stop()
            return
        from fonds.web.app import create_app

        store = open_store(settings.db, read_only=settings.read_only)
        try:
            app = create_app(store, settings, index)
            app.state.listen_url = listen_url
            warm(app)
            follower = Follower(follower_store, index, settings.sync_seconds)
            follower.start()
            try:
                print(f"fonds: serving {settings.repository_name}{mode} at http://{shown}:{port}/ (Ctrl-C stops)",
                      flush=True)
                uvicorn.run(app, host=host, port=port, log_level="warning")
            finally:
                follower.stop()
        finally:
            store.close()
    finally:
        follower_store.close()


def _run_workers(config: uvicorn.Config) -> None:
    """Run `config.workers` worker processes on one listening socket until stopped, as
    `uvicorn.run` does, but on a socket whose connections send without delay.

    uvicorn binds that socket with protocol 0; each worker's asyncio then sees protocol 0 on
    every accepted connection and leaves Nagle's algorithm on (asyncio sets TCP_NODELAY only
    for a socket that says IPPROTO_TCP). A keep-alive client then waited about 40 ms for every
    response after the first on a connection: the response's second write waited for the
    client's delayed ACK. The listening socket here is the same one, marked IPPROTO_TCP and with
    TCP_NODELAY set (which accepted connections inherit on Linux)."""
    from uvicorn.supervisors import Multiprocess

    sock = listening_socket(config)
    try:
        Multiprocess(config, sockets=[sock]).run()
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()


def listening_socket(config: uvicorn.Config) -> socket.socket:
    """The socket `config` binds (host, port), marked IPPROTO_TCP and with TCP_NODELAY set,
    so that the connections the workers accept on it send each write at once."""
    bound = config.bind_socket()
    sock = socket.socket(bound.family, bound.type, socket.IPPROTO_TCP, fileno=bound.detach())
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def worker_app() -> FastAPI:
    """The app of one worker process of `serve` with several workers (uvicorn calls this by name).

    Reads its settings from the FONDS_SERVE_WORKER variable the supervisor set; opens its own
    store and the index (which it only reads: the supervisor's follower writes it).
    """
    from fonds.web.app import create_app

    try:
        spec = json.loads(os.environ[WORKER_ENV])
    except (KeyError, ValueError):
        raise SystemExit(f"fonds: {WORKER_ENV} is not set: worker processes are started by `fonds serve --workers N`")
    _exit_with_supervisor(int(spec.get("supervisor") or os.getppid()))  # first: a supervisor may die while we warm
    settings = Settings(**spec["settings"])
    store = open_store(settings.db, read_only=settings.read_only)
    app = create_app(store, settings, Index(settings.index_path))
    app.state.listen_url = spec.get("listen_url")
    warm(app)
    return app


def _exit_with_supervisor(supervisor: int) -> None:
    """Stop this worker (gracefully, as uvicorn stops on SIGTERM) once its supervisor is gone, so a
    supervisor killed with -9 leaves no workers holding the port and serving an index nobody follows.

    `supervisor` is the pid the supervisor wrote into the worker's environment before starting it,
    not `os.getppid()` read later: a supervisor killed while this worker still opens its store and
    warms its caches has already handed the worker to init, and a later getppid() would watch init.
    """

    def watch() -> None:
        while os.getppid() == supervisor:
            time.sleep(1.0)
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5.0)  # uvicorn's graceful stop waits for open connections; not longer than this
        os._exit(0)

    threading.Thread(target=watch, name="fonds-supervisor-watch", daemon=True).start()
