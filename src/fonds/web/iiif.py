"""IIIF for records with scans: the Image API over page images, a Presentation 3 manifest per record,
and the attached files themselves.

- `/iiif/image/SHA256/info.json` and `/iiif/image/SHA256/{region}/{size}/{rotation}/{quality}.{format}`:
  Image API 3.0, level 1 (fonds.renditions.imageapi).
- `/iiif/RECORD_ID/manifest.json`: Presentation API 3.0 (https://iiif.io/api/presentation/3.0/),
  built with iiif-prezi3: label, summary, metadata, requiredStatement (the citation), one canvas per
  page of the first scan, each transcript's page text as a `supplementing` annotation on its canvas,
  and every attached file (the PDF, transcripts, translations) as a `rendering`.
- `/files/SHA256`: an attached file as it was given. Served with its media type (HTML as plain text,
  so a transcript's markup never runs in the archive's origin).
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse, Response

from fonds.errors import NotFound
from fonds.record import Record, Rendition
from fonds.renditions.files import FileStore
from fonds.renditions.imageapi import Images
from fonds.web.citing import citations
from fonds.web.pages import Archive, language_label, record_href

IMMUTABLE = {"Cache-Control": "public, max-age=31536000, immutable", "Access-Control-Allow-Origin": "*"}
CORS = {"Access-Control-Allow-Origin": "*"}
PRESENTATION_CONTEXT = "http://iiif.io/api/presentation/3/context.json"
SAFE_TYPES = {"application/pdf", "image/png", "image/jpeg", "image/tiff"}


def files_of(archive: Archive) -> FileStore:
    files: FileStore = archive.cached("files", lambda: FileStore(archive.settings.files_path))
    return files


def images_of(archive: Archive) -> Images:
    # Not in archive.cached: the decoded-page cache should outlive index updates.
    images = getattr(archive, "_iiif_images", None)
    if images is None:
        images = Images(files_of(archive))
        archive._iiif_images = images  # type: ignore[attr-defined]
    return images


def base_of(archive: Archive, request: Request) -> str:
    """The site's address for IIIF ids: `base_url`, else where the server listens; never the
    request's Host header, which a client can forge (as app.public_base)."""
    listen = getattr(request.app.state, "listen_url", None)
    return str(archive.settings.base_url or listen or request.base_url).rstrip("/")


def image_service_id(base: str, sha256: str) -> str:
    return f"{base}/iiif/image/{sha256}"


def iiif(request: Request, archive: Archive) -> Any:
    """Every /iiif/ path: an image service's info.json or image, or a record's manifest."""
    path = str(request.path_params.get("iiif_path", ""))
    base = base_of(archive, request)
    parts = path.split("/")
    if parts[0] == "image" and len(parts) == 3 and parts[2] == "info.json":
        info = images_of(archive).info(parts[1], image_service_id(base, parts[1]))
        return JSONResponse(info, media_type="application/ld+json;profile=\"http://iiif.io/api/image/3/context.json\"",
                            headers=CORS)
    if parts[0] == "image" and len(parts) == 6:
        image = images_of(archive).render(parts[1], *parts[2:])
        return Response(image.body, media_type=image.media_type, headers=IMMUTABLE)
    if parts[0] == "image" and len(parts) == 2:
        return Response(status_code=303, headers={"Location": f"{image_service_id(base, parts[1])}/info.json"})
    if path.endswith("/manifest.json") and len(path) > len("/manifest.json"):
        record = archive.store.get(path[: -len("/manifest.json")])
        manifest = build_manifest(record, base)
        return Response(json.dumps(manifest, ensure_ascii=False), headers=CORS,
                        media_type=f"application/ld+json;profile=\"{PRESENTATION_CONTEXT}\"")
    raise NotFound(f"there is no IIIF resource at /iiif/{path[:80]}; a record's manifest is /iiif/ID/manifest.json")


def file_download(request: Request, archive: Archive) -> Any:
    """An attached file, by its SHA-256."""
    sha = str(request.path_params.get("sha256", ""))
    data = files_of(archive).read(sha)
    media_type = _sniff(data)
    return Response(data, media_type=media_type, headers=IMMUTABLE)


def _sniff(data: bytes) -> str:
    head = data[:16]
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG"):
        return "image/png"
    if head.startswith(b"\xff\xd8"):
        return "image/jpeg"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "image/tiff"
    if head.startswith(b'{"pages":'):  # a scan's word positions (renditions/words.py)
        return "application/json"
    return "text/plain; charset=utf-8"


def file_url(base: str, sha256: str) -> str:
    return f"{base}/files/{sha256}"


def manifest_url(base: str, record_id: str) -> str:
    return f"{base}/iiif/{record_id}/manifest.json"


def first_scan(record: Record) -> Rendition | None:
    return next((r for r in record.renditions if r.kind == "scan" and r.images), None)


def build_manifest(record: Record, base: str) -> dict[str, Any]:
    """The record's Presentation 3 manifest as JSON-able data. NotFound if it has no scan."""
    from iiif_prezi3 import Manifest

    scan = first_scan(record)
    if scan is None:
        raise NotFound(f"record {record.id!r} has no scan, so it has no IIIF manifest; its page is {record_href(record.id)}")
    language = scan.language or "none"
    manifest_id = manifest_url(base, record.id)
    cited = next((c.text for c in citations(record) if c.key.startswith("chicago")), None) or record.source.citation or record.title
    metadata = [
        {"label": {"en": [label]}, "value": {"none": [value]}}
        for label, value in (
            ("Date", record.date.text or ""),
            ("Type", record.type or ""),
            ("Repository", record.source.repository or ""),
            ("Original language", ", ".join(language_label(c) for c in record.original_languages)),
            ("Record", record.id),
        )
        if value
    ]
    manifest = Manifest(
        id=manifest_id,
        label={"none": [record.title]},
        metadata=metadata,
        requiredStatement={"label": {"en": ["Citation"]}, "value": {"none": [cited]}},
        homepage=[{"id": f"{base}{record_href(record.id)}", "type": "Text", "label": {"none": [record.title]},
                   "format": "text/html"}],
        **({"summary": {"none": [record.summary]}} if record.summary else {}),
    )
    canvases = []
    for n, image in enumerate(scan.images, 1):
        canvas_id = f"{base}/iiif/{record.id}/canvas/{n}"
        canvas = manifest.make_canvas(id=canvas_id, label={"none": [f"p. {n}"]}, width=image.width, height=image.height)
        service = image_service_id(base, image.sha256)
        canvas.add_image(
            image_url=f"{service}/full/max/0/default.jpg",
            anno_page_id=f"{canvas_id}/page", anno_id=f"{canvas_id}/image",
            format="image/jpeg", width=image.width, height=image.height,
            service=[{"id": service, "type": "ImageService3", "profile": "level1"}],
        )
        canvases.append(canvas_id)
    data: dict[str, Any] = json.loads(manifest.json())
    _add_text(data, record, canvases, language)
    renderings = [
        {"id": file_url(base, r.source.sha256), "type": "Image" if r.source.media_type.startswith("image/") else "Text",
         "label": {"en": [_rendering_label(r)]}, "format": r.source.media_type}
        for r in record.renditions
        if r.source is not None and not (r.kind == "scan" and r.source.name == "pages")  # not a scan's page listing
    ]
    unique = {item["id"]: item for item in renderings}
    if unique:
        data["rendering"] = list(unique.values())
    return data


def _rendering_label(rendition: Rendition) -> str:
    language = language_label(rendition.language) if rendition.language else ""
    what = {"scan": "Scan (the file as given)", "transcript": "Transcript", "translation": "Translation"}.get(rendition.kind, rendition.kind)
    return f"{what}{' - ' + language if language else ''}"


def _add_text(data: dict[str, Any], record: Record, canvases: list[str], scan_language: str) -> None:
    """Each paged transcript's page texts as `supplementing` TextualBody annotations on the canvases."""
    for number, rendition in enumerate(record.renditions):
        if rendition.kind == "scan" or not rendition.text or not rendition.pages:
            continue
        offsets = [p.offset for p in rendition.pages] + [len(rendition.text)]
        for i, canvas_id in enumerate(canvases[: len(rendition.pages)]):
            text = rendition.text[offsets[i]:offsets[i + 1]].strip()
            if not text:
                continue
            canvas = data["items"][i]
            page_id = f"{canvas_id}/text/{number}"
            body: dict[str, Any] = {"type": "TextualBody", "value": text, "format": "text/plain"}
            if rendition.language:
                body["language"] = rendition.language
            canvas.setdefault("annotations", []).append({
                "id": page_id, "type": "AnnotationPage",
                "label": {"en": [_rendering_label(rendition) + (" (machine-made)" if rendition.is_machine_made else "")]},
                "items": [{"id": f"{page_id}/1", "type": "Annotation", "motivation": "supplementing",
                           "body": body, "target": canvas_id}],
            })
