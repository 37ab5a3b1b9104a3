"""Where a record's attached files are on the web: URLs added to the Record JSON of a JSON twin.

`/files/SHA256` is a file as attached; `/iiif/image/SHA256` a page image's IIIF Image service;
`/iiif/ID/manifest.json` a record's IIIF manifest (web/iiif.py serves all three).
"""

from __future__ import annotations

from typing import Any


def link_files(data: dict[str, Any], base: str) -> dict[str, Any]:
    """Record JSON with `url` on each rendition's source file, word-position file and page image, `iiif` on each page
    image, and `manifest` on the record when it has a scan. `base` has no trailing slash."""
    has_scan = False
    for rendition in data.get("renditions") or ():
        for name in ("source", "words"):
            linked = rendition.get(name)
            if linked:
                linked["url"] = f"{base}/files/{linked['sha256']}"
        for image in rendition.get("images") or ():
            image["url"] = f"{base}/files/{image['sha256']}"
            image["iiif"] = f"{base}/iiif/image/{image['sha256']}"
            has_scan = True
    if has_scan:
        data["manifest"] = f"{base}/iiif/{data['id']}/manifest.json"
    return data
