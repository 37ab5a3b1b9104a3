"""OAI-PMH 2.0: the six verbs, every error code where the protocol says, resumption tokens.

Records are listed in id order and a resumption token carries the last id
sent, so nothing that happens during a harvest moves a record across the
cursor: a record updated mid-harvest (a new volume relinks persons in old
ones) still arrives once, in its latest state, and records ingested meanwhile
arrive if their id falls after the cursor, else with the next incremental
harvest (`from`).
"""

from __future__ import annotations

import base64
import json
import logging
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable, Mapping, Sequence

from lxml import etree

from fonds.config import Settings
from fonds.containment import Failures
from fonds.errors import NotFound, UnreadableRecord
from fonds.exports import dublin_core, ead, tei
from fonds.identifiers import is_identifier
from fonds.collection import Collection
from fonds.record import Record
from fonds.store.base import Store, StoredRecord

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = f"{OAI_NS} http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
PAGE_SIZE = 100
LOG = logging.getLogger("fonds.oai")
FAILURES: Counter[str] = Counter()  # records left out of a response because they could not be written
IDENTIFIER_PREFIX = "oai:fonds:"


@dataclass(frozen=True)
class MetadataFormat:
    prefix: str
    schema: str
    namespace: str
    element: Callable[[Record], etree._Element]


FORMATS = {
    "oai_dc": MetadataFormat(
        "oai_dc", "http://www.openarchives.org/OAI/2.0/oai_dc.xsd", dublin_core.OAI_DC_NS, dublin_core.element
    ),
    "tei": MetadataFormat(
        "tei", "https://tei-c.org/release/xml/tei/custom/schema/xsd/tei_all.xsd", "http://www.tei-c.org/ns/1.0", tei.element
    ),
    # Each item as an EAD 2002 description at level item (exports/ead.record_element).
    "oai_ead": MetadataFormat("oai_ead", "http://www.loc.gov/ead/ead.xsd", ead.EAD2002, ead.record_element),
}

VERBS: dict[str, tuple[set[str], set[str]]] = {
    # verb: (required arguments, optional arguments); resumptionToken is exclusive where allowed
    "Identify": (set(), set()),
    "ListMetadataFormats": (set(), {"identifier"}),
    "ListSets": (set(), {"resumptionToken"}),
    "ListIdentifiers": ({"metadataPrefix"}, {"from", "until", "set", "resumptionToken"}),
    "ListRecords": ({"metadataPrefix"}, {"from", "until", "set", "resumptionToken"}),
    "GetRecord": ({"identifier", "metadataPrefix"}, set()),
}

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_UNCARRIABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SECOND = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


class OAIError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class _Token:
    prefix: str
    set: str | None
    since: str | None
    until: str | None
    after: str
    cursor: int
    total: int

    def encode(self) -> str:
        data = json.dumps([self.prefix, self.set, self.since, self.until, self.after, self.cursor, self.total])
        return base64.urlsafe_b64encode(data.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str) -> _Token:
        """The token a resumptionToken argument carries. Anything this repository did not issue,
        whatever base64 it decodes to, is badResumptionToken (OAI-PMH 2.0, section 3.6)."""
        forged = OAIError("badResumptionToken", f"the resumption token {text[:80]!r} is not one this repository issued")
        try:
            raw = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
            fields = json.loads(raw.decode("utf-8"))
        except (ValueError, TypeError, RecursionError):
            raise forged from None
        if not isinstance(fields, list) or len(fields) != 7:
            raise forged
        prefix, set_spec, since, until, after, cursor, total = fields
        texts_ok = all(isinstance(v, str) for v in (prefix, after)) and all(
            v is None or isinstance(v, str) for v in (set_spec, since, until)
        )
        numbers_ok = all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 10**12 for v in (cursor, total))
        if not texts_ok or not numbers_ok or cursor > total:
            raise forged
        if after and not is_identifier(after) or set_spec is not None and not is_identifier(set_spec):
            raise forged
        if any(v is not None and not (_DAY.match(v) or _SECOND.match(v)) for v in (since, until)):
            raise forged
        token = cls(prefix, set_spec, since, until, after, cursor, total)
        if token.prefix not in FORMATS:
            raise OAIError("badResumptionToken", "the resumption token names no metadata format we offer")
        return token


STYLESHEET = "/static/oai.xsl"  # static/oai.xsl: OAI-PMH as a readable page


def respond(store: Store, settings: Settings, params: Mapping[str, Sequence[str]], base_url: str) -> bytes:
    """The OAI-PMH response document for one request's arguments."""
    root = etree.Element(f"{{{OAI_NS}}}OAI-PMH", nsmap={None: OAI_NS, "xsi": XSI_NS})
    root.set(f"{{{XSI_NS}}}schemaLocation", SCHEMA_LOCATION)
    etree.SubElement(root, f"{{{OAI_NS}}}responseDate").text = _now()
    request = etree.SubElement(root, f"{{{OAI_NS}}}request")
    request.text = base_url
    try:
        verb, args = _check_arguments(params)
        for key, value in [("verb", verb), *sorted(args.items())]:
            request.set(key, value)
        handler = _HANDLERS[verb]
        root.append(handler(store, settings, args, base_url))
    except OAIError as error:
        if error.code in ("badVerb", "badArgument"):
            for key in list(request.attrib):
                del request.attrib[key]
        failure = etree.SubElement(root, f"{{{OAI_NS}}}error", code=error.code)
        failure.text = error.message
    # A browser shows the response through the site's stylesheet; harvesters ignore the instruction.
    root.addprevious(etree.PI("xml-stylesheet", f'type="text/xsl" href="{STYLESHEET}"'))
    return bytes(etree.tostring(root.getroottree(), xml_declaration=True, encoding="UTF-8"))


def _check_arguments(params: Mapping[str, Sequence[str]]) -> tuple[str, dict[str, str]]:
    verbs = list(params.get("verb", []))
    if not verbs:
        raise OAIError("badVerb", "the request has no verb; use one of " + ", ".join(VERBS))
    if len(verbs) > 1:
        raise OAIError("badVerb", "the verb argument is repeated")
    verb = verbs[0]
    if verb not in VERBS:
        raise OAIError("badVerb", f"{verb[:40]!r} is not an OAI-PMH verb; use one of " + ", ".join(VERBS))
    required, optional = VERBS[verb]
    args: dict[str, str] = {}
    for key, values in params.items():
        bad = next((text for text in (key, *values) if _UNCARRIABLE.search(text)), None)
        if bad is not None:  # XML 1.0 cannot carry it, not even in the <request> echo
            raise OAIError("badArgument", f"the argument {key[:40]!r} holds a control character; send printable text")
        if key == "verb":
            continue
        if key not in required | optional:
            raise OAIError("badArgument", f"{verb} does not take the argument {key[:40]!r}")
        if len(values) != 1:
            raise OAIError("badArgument", f"the argument {key!r} is repeated")
        args[key] = values[0]
    if "resumptionToken" in args:
        if len(args) > 1:
            raise OAIError("badArgument", "resumptionToken is an exclusive argument: send it alone with the verb")
        return verb, args
    missing = required - set(args)
    if missing:
        raise OAIError("badArgument", f"{verb} needs the argument {', '.join(sorted(missing))}")
    return verb, args


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _el(parent: etree._Element, tag: str, text: str | None = None, **attributes: str) -> etree._Element:
    child = etree.SubElement(parent, f"{{{OAI_NS}}}{tag}", **attributes)
    if text is not None:
        child.text = text
    return child


def _identify(store: Store, settings: Settings, args: Mapping[str, str], base_url: str) -> etree._Element:
    node = etree.Element(f"{{{OAI_NS}}}Identify")
    _el(node, "repositoryName", settings.repository_name)
    _el(node, "baseURL", base_url)
    _el(node, "protocolVersion", "2.0")
    _el(node, "adminEmail", settings.admin_email)
    first = store.list_stored(limit=1)
    earliest = min((s.at for s in first), default=_now())
    _el(node, "earliestDatestamp", earliest)
    _el(node, "deletedRecord", "persistent")
    _el(node, "granularity", "YYYY-MM-DDThh:mm:ssZ")
    return node


def _list_metadata_formats(store: Store, settings: Settings, args: Mapping[str, str], base_url: str) -> etree._Element:
    if "identifier" in args:
        _stored(store, args["identifier"])
    node = etree.Element(f"{{{OAI_NS}}}ListMetadataFormats")
    for fmt in FORMATS.values():
        entry = _el(node, "metadataFormat")
        _el(entry, "metadataPrefix", fmt.prefix)
        _el(entry, "schema", fmt.schema)
        _el(entry, "metadataNamespace", fmt.namespace)
    return node


def set_specs(collections: Sequence[Collection]) -> dict[str, str]:
    """Collection id -> setSpec: the ids from the top of the hierarchy down, joined by ':'."""
    by_id = {c.id: c for c in collections}
    specs: dict[str, str] = {}
    for collection in collections:
        chain: list[str] = []
        current: Collection | None = collection
        seen: set[str] = set()
        while current is not None and current.id not in seen:
            seen.add(current.id)
            chain.append(_spec_part(current.id))
            current = by_id.get(current.parent) if current.parent else None
        specs[collection.id] = ":".join(reversed(chain))
    return specs


def _spec_part(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9\-_.!~*'()]", "_", text)


def _list_sets(store: Store, settings: Settings, args: Mapping[str, str], base_url: str) -> etree._Element:
    if "resumptionToken" in args:
        raise OAIError("badResumptionToken", "ListSets is answered in one response; it issues no resumption tokens")
    collections = store.collections()
    if not collections:
        raise OAIError("noSetHierarchy", "this repository has no collections, so it offers no sets")
    node = etree.Element(f"{{{OAI_NS}}}ListSets")
    specs = set_specs(collections)
    for collection in sorted(collections, key=lambda c: specs[c.id]):
        entry = _el(node, "set")
        _el(entry, "setSpec", specs[collection.id])
        _el(entry, "setName", collection.title)
    return node


def _collection_of(store: Store, set_spec: str) -> str:
    collections = store.collections()
    if not collections:
        raise OAIError("noSetHierarchy", "this repository has no collections, so it offers no sets")
    for collection_id, spec in set_specs(collections).items():
        if spec == set_spec:
            return collection_id
    raise OAIError("noRecordsMatch", f"no set {set_spec[:80]!r} here; ListSets gives the sets")


def _datestamp(value: str, name: str, *, end: bool) -> tuple[str, str]:
    if _DAY.match(value):
        try:
            datetime.strptime(value, "%Y-%m-%d")
        except ValueError:
            raise OAIError("badArgument", f"{name}={value!r} is not a date") from None
        return value + ("T23:59:59Z" if end else "T00:00:00Z"), "day"
    if _SECOND.match(value):
        try:
            datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ")
        except ValueError:
            raise OAIError("badArgument", f"{name}={value!r} is not a date and time") from None
        return value, "second"
    raise OAIError("badArgument", f"{name}={value[:40]!r} is not YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ")


def _start(store: Store, args: Mapping[str, str]) -> _Token:
    if "resumptionToken" in args:
        return _Token.decode(args["resumptionToken"])
    prefix = args["metadataPrefix"]
    if prefix not in FORMATS:
        raise OAIError("cannotDisseminateFormat", f"metadata format {prefix[:40]!r} is not offered; use oai_dc, tei or oai_ead")
    since = until = None
    grains = []
    if "from" in args:
        since, grain = _datestamp(args["from"], "from", end=False)
        grains.append(grain)
    if "until" in args:
        until, grain = _datestamp(args["until"], "until", end=True)
        grains.append(grain)
    if len(set(grains)) > 1:
        raise OAIError("badArgument", "from and until must have the same granularity")
    if since and until and until < since:
        raise OAIError("badArgument", "until is earlier than from")
    collection = _collection_of(store, args["set"]) if "set" in args else None
    total = store.count_stored(since=since, until=until, collection=collection)
    return _Token(prefix, collection, since, until, "", 0, total)


def _page(store: Store, token: _Token) -> tuple[list[StoredRecord], _Token | None]:
    rows = store.list_stored(
        after_id=token.after, since=token.since, until=token.until, collection=token.set, limit=PAGE_SIZE + 1
    )
    page, more = rows[:PAGE_SIZE], len(rows) > PAGE_SIZE
    if not page and token.cursor == 0:
        raise OAIError("noRecordsMatch", "no records match these arguments")
    if not page:  # the list shrank under the token; a list response holds at least one header (the schema)
        raise OAIError("badResumptionToken", "the list has changed since this harvest began; start the harvest again")
    following = None
    if more:
        following = _Token(token.prefix, token.set, token.since, token.until, page[-1].id,
                           token.cursor + len(page), token.total)
    return page, following


def _collections_of(stored: StoredRecord, store: Store) -> tuple[str, ...]:
    """The collections a record is in; for a deleted one, those of its last version."""
    if stored.record is not None:
        return stored.record.collections
    last = store.last_version(stored.id)
    collections = (last.data or {}).get("collections") if last is not None else None
    return tuple(c for c in collections or () if isinstance(c, str))


def _header(parent: etree._Element, stored: StoredRecord, specs: Mapping[str, str], store: Store) -> None:
    header = _el(parent, "header", **({"status": "deleted"} if stored.is_deleted else {}))
    _el(header, "identifier", IDENTIFIER_PREFIX + stored.id)
    _el(header, "datestamp", stored.at)
    for collection in _collections_of(stored, store):
        if collection in specs:
            _el(header, "setSpec", specs[collection])


def _record(
    parent: etree._Element, stored: StoredRecord, prefix: str, specs: Mapping[str, str], base_url: str, store: Store
) -> None:
    """One <record>. A record its metadata format cannot be written for is left out of the list
    and logged (one failure), never the end of every harvest at this page."""
    element = None
    if stored.record is not None:
        try:
            element = FORMATS[prefix].element(stored.record)
            _link_scan(element, stored.record, base_url.removesuffix("/oai"))
        except Exception:  # noqa: BLE001 - belt and braces: one record, not the whole response
            LOG.exception("OAI-PMH: record %r cannot be written as %s; left out of the list", stored.id, prefix)
            FAILURES["records"] += 1
            return
    entry = _el(parent, "record")
    _header(entry, stored, specs, store)
    if element is not None:
        _el(entry, "metadata").append(element)


def _link_scan(element: etree._Element, record: Record, site: str) -> None:
    """A record with a scan links its IIIF manifest (oai_dc: dc:relation) and its page images
    resolve against the archive's address (TEI: xml:base on <facsimile>)."""
    if not any(r.kind == "scan" and r.images for r in record.renditions):
        return
    if element.tag == f"{{{dublin_core.OAI_DC_NS}}}dc":
        relation = etree.SubElement(element, f"{{{dublin_core.DC_NS}}}relation")
        relation.text = f"{site}/iiif/{record.id}/manifest.json"
    facsimile = element.find("{http://www.tei-c.org/ns/1.0}facsimile")
    if facsimile is not None:
        facsimile.set("{http://www.w3.org/XML/1998/namespace}base", f"{site}/")


def _listing(verb: str) -> Callable[[Store, Settings, Mapping[str, str], str], etree._Element]:
    def handle(store: Store, settings: Settings, args: Mapping[str, str], base_url: str) -> etree._Element:
        token = _start(store, args)
        page, following = _page(store, token)
        specs = set_specs(store.collections())
        node = etree.Element(f"{{{OAI_NS}}}{verb}")
        for stored in page:
            if verb == "ListRecords":
                _record(node, stored, token.prefix, specs, base_url, store)
            else:
                _header(node, stored, specs, store)
        if following is not None or token.cursor > 0:
            _el(node, "resumptionToken", following.encode() if following else None,
                completeListSize=str(token.total), cursor=str(token.cursor))
        return node

    return handle


def _stored(store: Store, identifier: str) -> StoredRecord:
    if not identifier.startswith(IDENTIFIER_PREFIX):
        raise OAIError("idDoesNotExist", f"{identifier[:80]!r} is not an identifier of this repository ({IDENTIFIER_PREFIX}ID)")
    try:
        return store.get_stored(identifier[len(IDENTIFIER_PREFIX):])
    except NotFound:
        raise OAIError("idDoesNotExist", f"no record {identifier[:80]!r} in this repository") from None
    except UnreadableRecord as error:  # a damaged row: one failure, logged, listed by `fonds check`
        Failures("oai").add(error.record_id, error, trace=False)
        FAILURES["records"] += 1
        raise OAIError("idDoesNotExist", f"record {identifier[:80]!r} cannot be read from the store; "
                       "the archive's staff see it in `fonds check`") from None


def _get_record(store: Store, settings: Settings, args: Mapping[str, str], base_url: str) -> etree._Element:
    prefix = args["metadataPrefix"]
    if prefix not in FORMATS:
        raise OAIError("cannotDisseminateFormat", f"metadata format {prefix[:40]!r} is not offered; use oai_dc, tei or oai_ead")
    stored = _stored(store, args["identifier"])
    node = etree.Element(f"{{{OAI_NS}}}GetRecord")
    _record(node, stored, prefix, set_specs(store.collections()), base_url, store)
    return node


_HANDLERS: dict[str, Callable[[Store, Settings, Mapping[str, str], str], etree._Element]] = {
    "Identify": _identify,
    "ListMetadataFormats": _list_metadata_formats,
    "ListSets": _list_sets,
    "ListIdentifiers": _listing("ListIdentifiers"),
    "ListRecords": _listing("ListRecords"),
    "GetRecord": _get_record,
}
