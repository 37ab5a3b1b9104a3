"""The one XML parser fonds uses: no entities, no DTDs, no network, no recovery.

Every XML file that comes in (FRUS volumes, authority files, test fixtures)
goes through `parse`. A document that declares entities or points at an
external DTD is refused before lxml sees it, so nothing is ever expanded or
fetched (billion laughs, XXE). Broken XML fails with `origin:line:column`;
it is never silently "recovered".
"""

from __future__ import annotations

import re
from typing import BinaryIO

from lxml import etree

from fonds.errors import RecordError

PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    dtd_validation=False,
    huge_tree=False,
    recover=False,
    remove_comments=False,
    remove_pis=False,
    # No ID table: a repeated xml:id is well-formed XML, and the importers report it against the
    # element that repeats it (a FRUS document), instead of libxml2 refusing the whole file.
    collect_ids=False,
)

# The prolog is everything before the root element: declaration, comments, PIs, DOCTYPE.
_DOCTYPE = re.compile(rb"<!DOCTYPE\b", re.I)
_EXTERNAL_ID = re.compile(rb"<!DOCTYPE\s+[^\s\[>]+\s+(SYSTEM|PUBLIC)\b", re.I)
_ENTITY = re.compile(rb"<!ENTITY\b", re.I)
_SKIP = re.compile(rb"<\?.*?\?>|<!--.*?-->", re.S)


def parse(source: BinaryIO | bytes, origin: str, *, ignore_external_doctype: bool = False) -> etree._ElementTree:
    """Parse XML safely. Raises RecordError naming `origin:line:column` for anything refused.

    With `ignore_external_doctype` (EAD 2002 files often begin `<!DOCTYPE ead PUBLIC ...
    "ead.dtd">`), a DOCTYPE that only names an external DTD, without an internal subset, is
    blanked out before parsing: nothing is fetched and no entity is declared, so an entity
    reference in the body stays an error. Any DOCTYPE with an internal subset is still refused."""
    data = source if isinstance(source, bytes) else source.read()
    if ignore_external_doctype:
        data = blank_external_doctype(data)
    refuse_dtd(data, origin)
    try:
        root = etree.fromstring(data, PARSER, base_url=None)
    except etree.XMLSyntaxError as error:
        line, column = error.position
        message = error.msg.split(f", line {line}")[0] if error.msg else "not well-formed"
        raise RecordError(
            f"{origin}:{line}:{column}: {message}; the file is not well-formed XML, "
            "fix it and import it again"
        ) from None
    tree = root.getroottree()
    docinfo = tree.docinfo
    if docinfo.system_url or docinfo.public_id or docinfo.internalDTD is not None:
        # Only reached for a prolog the byte scan could not read (an unusual encoding).
        raise RecordError(
            f"{origin}:1:1: the document has a DOCTYPE; fonds refuses DTDs and entity "
            "declarations in imported XML; remove the DOCTYPE"
        )
    return tree


def refuse_dtd(data: bytes, origin: str) -> None:
    """Refuse a DOCTYPE (entity declarations, external DTD or any other) before parsing."""
    start = _doctype_start(data)
    if start is None:
        return
    line = data.count(b"\n", 0, start) + 1
    column = start - (data.rfind(b"\n", 0, start) + 1) + 1
    where = f"{origin}:{line}:{column}"
    declaration = _doctype(data, start)
    if _ENTITY.search(declaration):
        raise RecordError(
            f"{where}: the DOCTYPE declares entities; fonds never expands XML entities "
            "(entity expansion and external entities are refused); remove the DOCTYPE"
        )
    if _EXTERNAL_ID.match(declaration):
        raise RecordError(
            f"{where}: the DOCTYPE points at an external DTD; fonds never loads DTDs "
            "or anything outside the file; remove the DOCTYPE"
        )
    raise RecordError(
        f"{where}: the document has a DOCTYPE; fonds refuses DTDs in imported XML; "
        "remove the DOCTYPE"
    )


def blank_external_doctype(data: bytes) -> bytes:
    """The document with a DOCTYPE that has an external id and no internal subset replaced by
    spaces (newlines kept, so line numbers stay true); anything else unchanged."""
    start = _doctype_start(data)
    if start is None:
        return data
    declaration = _doctype(data, start)
    if b"[" in declaration or not _EXTERNAL_ID.match(declaration):
        return data
    blank = bytes(b if b in b"\r\n" else 0x20 for b in declaration)
    return data[:start] + blank + data[start + len(declaration):]


def _doctype_start(data: bytes) -> int | None:
    """Where the DOCTYPE starts, if there is one before the root element."""
    position = 0
    while True:
        position = data.find(b"<", position)
        if position == -1:
            return None
        skipped = _SKIP.match(data, position)
        if skipped is None:
            break
        position = skipped.end()
    return position if _DOCTYPE.match(data, position) else None


def _doctype(data: bytes, start: int) -> bytes:
    """The DOCTYPE declaration, its internal subset included."""
    first_close = data.find(b">", start)
    bracket = data.find(b"[", start)
    if bracket != -1 and (first_close == -1 or bracket < first_close):
        end = data.find(b"]", bracket)
        return data[start : len(data) if end == -1 else end + 1]
    return data[start : len(data) if first_close == -1 else first_close + 1]
