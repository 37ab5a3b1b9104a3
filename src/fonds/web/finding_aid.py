"""`/collections/ID.ead.xml` (EAD 2002) and `/collections/ID.ead3.xml` (EAD3): a collection with
everything under it as a finding aid (fonds.exports.ead)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from fonds.errors import NotFound
from fonds.exports.ead import write_collection

def finding_aid(request: Request, archive: Any) -> Response:
    """The finding aid of the collection the path names. NotFound for an unknown collection."""
    raw = str(request.path_params.get("collection_path", ""))
    version = "ead3" if request.url.path.endswith(".ead3.xml") else "ead"
    if not raw or len(raw) > 260 or any(ord(c) < 32 for c in raw):
        raise NotFound(f"{raw[:60]!r} is not a collection in this archive; see Browse for the collections it holds")
    body = write_collection(archive.store, raw, version)
    name = "".join(c if c.isalnum() or c in "-_." else "_" for c in raw)[:80]
    return Response(
        '<?xml version="1.0" encoding="UTF-8"?>\n' + body,
        media_type="application/xml; charset=utf-8",
        headers={"Content-Disposition": f'inline; filename="{name}.{version}.xml"'},
    )
