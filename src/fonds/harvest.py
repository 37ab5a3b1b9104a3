"""Harvesting another OAI-PMH repository into this archive (`fonds harvest`).

Requests go through Sickle (retrying HTTP 5xx after a pause); each response is parsed by fonds'
one safe parser. A run lists records (`ListRecords`) with the metadata prefix asked for
(`oai_dc`, `tei` or `ead`), maps each one with the matching importer, and stores each page in
one transaction. Ids are namespaced by repository: `NAMESPACE:LOCAL`, where NAMESPACE is the
repository's `repositoryIdentifier` (Identify) or its host, and LOCAL the OAI identifier
without its `oai:REPOSITORY:` prefix. The repository and its sets become collections.

Incremental: after a complete run the response date of its first request is remembered (in a
small JSON state file); the next run asks only `from` it. A deleted header deletes the local
record. A dropped connection is retried (the same request, after a pause, up to `retries`
times); a `badResumptionToken` restarts the listing once from the run's `from` (what was
already stored is unchanged, so nothing is stored twice).

Waiting is bounded: connecting, and each read of an answer, wait at most `timeout` seconds
(setting `harvest_timeout`, `fonds harvest --timeout`); a repository that accepts the connection
and never answers is an error naming it after that long, not retried (a silent server held a
harvest four minutes). An HTTP 503's `Retry-After` (RFC 9110, 10.2.3) is honoured up to
MAX_RETRY_AFTER seconds; a longer one ends the run with an error saying when to come back, and
one that is not a number of seconds waits the default pause.
"""

from __future__ import annotations

import io
import json
import re
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Sequence
from urllib.parse import urlsplit

import requests
from lxml import etree
from sickle import Sickle

from fonds.authority import Entity
from fonds.errors import FondsError, Problem, RecordError
from fonds.importers import dublin_core, ead, tei
from fonds.collection import Collection
from fonds.record import Record
from fonds.safexml import parse
from fonds.store.base import Store

OAI = "http://www.openarchives.org/OAI/2.0/"
NS = {"o": OAI}
PREFIXES = ("oai_dc", "tei", "ead", "oai_ead")
_NETWORK_ERRORS = (requests.ConnectionError, requests.exceptions.ChunkedEncodingError)
TIMEOUT = 30.0  # seconds to connect, and to wait for each read of an answer
MAX_RETRY_AFTER = 300  # the longest Retry-After waited for, in seconds


class HarvestError(FondsError):
    """A harvest that could not go on: the repository's error, or the network after retries."""

    status = 502


@dataclass
class HarvestReport:
    """What one run did. `fetched` counts the records listed (deleted ones included)."""

    namespace: str = ""
    fetched: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    pages: int = 0
    retries: int = 0
    restarts: int = 0
    since: str | None = None
    warnings: list[Problem] = field(default_factory=list)

    def summary(self) -> str:
        text = (
            f"harvested {self.fetched} records from {self.namespace}: {self.added} added, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.deleted} deleted"
        )
        if self.retries or self.restarts:
            text += f" ({self.retries} requests retried, {self.restarts} listings restarted)"
        return text + (f"; asked only for changes since {self.since}" if self.since else "")


class HarvestState:
    """Where each harvest (repository URL, prefix, set) stopped: a small JSON file."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.data: dict[str, Any] = {}
        if path is not None and path.exists():
            try:
                self.data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                self.data = {}

    @staticmethod
    def key(url: str, prefix: str, set_spec: str | None) -> str:
        return f"{url} {prefix} {set_spec or ''}".strip()

    def since(self, key: str) -> str | None:
        entry = self.data.get(key)
        return str(entry["from"]) if isinstance(entry, dict) and entry.get("from") else None

    def remember(self, key: str, since: str) -> None:
        self.data[key] = {"from": since}
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_suffix(".tmp")
            temporary.write_text(json.dumps(self.data, indent=2, sort_keys=True), encoding="utf-8")
            temporary.replace(self.path)


def harvest(
    store: Store,
    url: str,
    *,
    prefix: str = "oai_dc",
    set_spec: str | None = None,
    since: str | None = None,
    state: HarvestState | None = None,
    namespace: str | None = None,
    retries: int = 3,
    pause: float = 2.0,
    enrich: Callable[[Sequence[Record]], Sequence[Record]] | None = None,
    timeout: float = TIMEOUT,
) -> HarvestReport:
    """Harvest `url` into `store`. `since` overrides the remembered `from`; `timeout` is the
    seconds to wait to connect and for each read of an answer. Raises HarvestError."""
    if prefix not in PREFIXES:
        raise HarvestError(f"metadata prefix {prefix!r} is not one fonds maps; use oai_dc, tei or ead")
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise HarvestError(f"{url[:200]!r} is not an http:// or https:// address; give the repository's OAI-PMH "
                           "base URL (OAI-PMH 2.0, 3.1.1: requests are made over HTTP)")
    client = _Client(url, max_retries=retries, retry_status_codes=[500, 502, 503, 504],
                     default_retry_after=max(1, int(pause)), timeout=(timeout, timeout))
    run = _Run(client, url, retries, pause, timeout)
    identify = run.ask({"verb": "Identify"})
    namespace = namespace or _namespace(identify, url)
    report = HarvestReport(namespace=namespace)
    state = state or HarvestState(None)
    key = HarvestState.key(url, prefix, set_spec)
    since = since or state.since(key)
    if since and identify.findtext(".//o:granularity", namespaces=NS) == "YYYY-MM-DD":
        since = since[:10]
    report.since = since
    store.add([], collections=_collections(run, identify, namespace, url))
    params: dict[str, str] = {"verb": "ListRecords", "metadataPrefix": prefix}
    if since:
        params["from"] = since
    if set_spec:
        params["set"] = set_spec
    started: str | None = None
    request = dict(params)
    while True:
        root = run.ask(request, allow=frozenset({"noRecordsMatch", "badResumptionToken"}))
        started = started or root.findtext("o:responseDate", namespaces=NS)
        error = root.find("o:error", NS)
        if error is not None and error.get("code") == "noRecordsMatch":
            break
        if error is not None:  # badResumptionToken: list again from the start, once
            if report.restarts >= 1:
                raise HarvestError(f"{url}: the repository refused its own resumption token twice ({_text(error)}); what was harvested so far is stored; run the harvest again later")
            report.restarts += 1
            request = dict(params)
            continue
        report.pages += 1
        _store_page(store, root, prefix, namespace, url, report, enrich)
        token = root.find("o:ListRecords/o:resumptionToken", NS)
        if token is None or not (token.text or "").strip():
            break
        request = {"verb": "ListRecords", "resumptionToken": token.text.strip()}
    if started:
        state.remember(key, started)
    report.retries = run.retried
    return report


class _Client(Sickle):  # type: ignore[misc]  # sickle has no type hints
    """Sickle with a bounded, well-read Retry-After (Sickle's own sleeps for any number given,
    and a negative or non-numeric one ended the harvest in a traceback)."""

    def get_retry_after(self, http_response: requests.Response) -> int:
        value = (http_response.headers.get("retry-after") or "").strip()
        if http_response.status_code != 503 or not value.isdigit():  # an HTTP-date, garbage, or none
            return int(self.default_retry_after)
        seconds = int(value)
        if seconds > MAX_RETRY_AFTER:
            raise HarvestError(f"{self.endpoint}: the repository is unavailable (HTTP 503) and asks to come back in "
                               f"{seconds:,} seconds; run the harvest again after that")
        return max(1, seconds)


@dataclass
class _Run:
    client: Sickle
    url: str
    retries: int
    pause: float
    timeout: float = TIMEOUT
    retried: int = 0

    def ask(self, params: dict[str, str], allow: frozenset[str] = frozenset()) -> etree._Element:
        """One OAI-PMH request, retried on a dropped connection; the response root."""
        for attempt in range(self.retries + 1):
            try:
                response = self.client.harvest(**params)
                break
            except requests.Timeout as failure:  # before ConnectionError: ConnectTimeout is both
                waited = "to connect" if isinstance(failure, requests.ConnectTimeout) else "for an answer"
                raise HarvestError(f"{self.url}: no answer: waited {self.timeout:g} seconds {waited}; the repository "
                                   "may be down or overloaded: try again later, or wait longer with --timeout "
                                   "SECONDS (setting harvest_timeout)") from None
            except _NETWORK_ERRORS as failure:
                if attempt == self.retries:
                    raise HarvestError(f"{self.url}: no answer after {self.retries + 1} tries ({type(failure).__name__}); check the address and the network, then run the harvest again") from None
                self.retried += 1
                time.sleep(self.pause * (attempt + 1))
            except requests.HTTPError as failure:
                raise HarvestError(f"{self.url}: the repository answered HTTP {failure.response.status_code if failure.response is not None else '?'}; is this an OAI-PMH base URL?") from None
        root = parse(response.http_response.content, self.url).getroot()
        if root.tag != f"{{{OAI}}}OAI-PMH":
            raise HarvestError(f"{self.url}: the answer is not an OAI-PMH response (root <{etree.QName(root).localname}>); give the repository's OAI-PMH base URL")
        error = root.find("o:error", NS)
        if error is not None and error.get("code") not in allow:
            raise HarvestError(f"{self.url}: the repository says {error.get('code')}: {_text(error)}")
        return root


def _text(element: etree._Element | None) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def _namespace(identify: etree._Element, url: str) -> str:
    for element in identify.iter():
        if isinstance(element.tag, str) and etree.QName(element).localname == "repositoryIdentifier" and _text(element):
            return _text(element)
    parts = urlsplit(url)
    return re.sub(r"[^A-Za-z0-9.-]+", "-", parts.netloc.removeprefix("www.")) or "harvested"


def _collections(run: _Run, identify: etree._Element, namespace: str, url: str) -> list[Collection]:
    name = identify.findtext(".//o:repositoryName", namespaces=NS) or namespace
    found = [Collection(namespace, name.strip(), kind="repository", links=(url,))]
    request: dict[str, str] = {"verb": "ListSets"}
    while True:
        try:
            root = run.ask(request, allow=frozenset({"noSetHierarchy"}))
        except HarvestError:
            return found
        for item in root.findall("o:ListSets/o:set", NS):
            spec = item.findtext("o:setSpec", namespaces=NS) or ""
            if not spec:
                continue
            parent = spec.rpartition(":")[0]
            found.append(Collection(f"{namespace}:{spec}", (item.findtext("o:setName", namespaces=NS) or spec).strip(),
                                    parent=f"{namespace}:{parent}" if parent else namespace, kind="set"))
        token = root.findtext("o:ListSets/o:resumptionToken", namespaces=NS)
        if not token or not token.strip():
            return found
        request = {"verb": "ListSets", "resumptionToken": token.strip()}


def _local_id(identifier: str) -> str:
    """`oai:fonds:wcda-1` -> `wcda-1`; `hdl:1765/308` -> `hdl:1765:308`."""
    match = re.match(r"^oai:[^:]+:(.+)$", identifier)
    return dublin_core.identifier_from(match.group(1) if match else identifier)


def _store_page(store: Store, root: etree._Element, prefix: str, namespace: str, url: str, report: HarvestReport,
                enrich: Callable[[Sequence[Record]], Sequence[Record]] | None) -> None:
    from fonds.ingest import changed_records

    records: list[Record] = []
    collections: list[Collection] = []
    entities: dict[str, Entity] = {}
    for node in root.findall("o:ListRecords/o:record", NS):
        header = node.find("o:header", NS)
        if header is None:
            continue
        report.fetched += 1
        local = f"{namespace}:{_local_id(header.findtext('o:identifier', namespaces=NS) or '')}"
        if header.get("status") == "deleted":
            report.deleted += int(store.delete(local))
            continue
        homes = tuple(f"{namespace}:{s.text.strip()}" for s in header.findall("o:setSpec", NS) if s.text and s.text.strip()) or (namespace,)
        metadata = node.find("o:metadata", NS)
        content = next((c for c in metadata if isinstance(c.tag, str)), None) if metadata is not None else None
        if content is None:
            report.warnings.append(Problem(f"{url} {local}", "the record has no metadata; skipped"))
            continue
        try:
            mapped = _map(content, prefix, local, namespace, url)
        except RecordError as failure:
            report.warnings.append(Problem(f"{url} {local}", f"skipped: {failure}"))
            continue
        for item in mapped:
            if isinstance(item, Record):
                records.append(replace(item, collections=tuple(dict.fromkeys((*homes, *item.collections))), origin=f"{url}#{local}"))
            elif isinstance(item, Collection):
                collections.append(item)
            else:  # the persons an EAD description names, which its records link to
                entities.setdefault(item.id, item)
    fresh, unchanged = changed_records(store, records)
    report.unchanged += unchanged
    if enrich is not None and fresh:
        fresh = list(enrich(fresh))
    result = store.add(fresh, collections=collections, entities=list(entities.values()))
    report.added += result.added
    report.updated += result.updated


def _map(content: etree._Element, prefix: str, local: str, namespace: str, url: str) -> list[Record | Collection | Entity]:
    """The records (and collections) one record's metadata gives, ids in the namespace."""
    if prefix == "oai_dc":
        return [replace(r, id=local) for r in dublin_core.record_from_dc(content, url, local) if isinstance(r, Record)]
    data = etree.tostring(content)
    if prefix == "tei":
        found = [r for r in tei.read(io.BytesIO(data), origin=url) if isinstance(r, Record)]
        # Persons and collections point into the other archive: names are linked again here.
        return [replace(r, id=local, persons=(), collections=()) for r in found[:1]]
    items = [i for i in ead.read(io.BytesIO(data), origin=url) if isinstance(i, (Record, Collection, Entity))]
    records = [i for i in items if isinstance(i, Record)]
    out: list[Record | Collection | Entity] = []
    for item in items:
        if isinstance(item, Entity):
            out.append(item)
        elif isinstance(item, Collection):
            out.append(replace(item, id=f"{namespace}:{item.id}", parent=f"{namespace}:{item.parent}" if item.parent else namespace))
        else:
            own = local if len(records) == 1 else f"{namespace}:{item.id}"
            out.append(replace(item, id=own, collections=tuple(f"{namespace}:{c}" for c in item.collections)))
    return out
