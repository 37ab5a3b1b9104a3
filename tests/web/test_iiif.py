"""IIIF: the Image API (info.json, regions, sizes) and the Presentation 3 manifest of a record with a scan."""

from __future__ import annotations

import html
import io
import json
from typing import Any

import pytest
from PIL import Image

from fonds.record import Record

RECORD = "sample-belovezha-1991"


@pytest.fixture(scope="module")
def record(reader_store: Any) -> Record:
    stored: Record = reader_store.get(RECORD)
    return stored


@pytest.fixture(scope="module")
def page(record: Record) -> Any:
    return next(r for r in record.renditions if r.kind == "scan").images[0]


def test_info_json_is_level_1(reader_client: Any, page: Any) -> None:
    response = reader_client.get(f"/iiif/image/{page.sha256}/info.json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/ld+json")
    info = response.json()
    assert info["@context"] == "http://iiif.io/api/image/3/context.json"
    assert info["id"] == f"http://testserver/iiif/image/{page.sha256}"
    assert (info["type"], info["protocol"], info["profile"]) == ("ImageService3", "http://iiif.io/api/image", "level1")
    assert (info["width"], info["height"]) == (page.width, page.height)
    assert info["tiles"][0]["scaleFactors"][0] == 1 and info["sizes"][-1] == {"width": page.width, "height": page.height}


def test_image_requests_cut_and_scale(reader_client: Any, page: Any) -> None:
    def image(path: str) -> Image.Image:
        response = reader_client.get(f"/iiif/image/{page.sha256}/{path}")
        assert response.status_code == 200, response.text
        return Image.open(io.BytesIO(response.content))

    assert image("full/max/0/default.jpg").size == (page.width, page.height)
    assert image("full/200,/0/default.jpg").size == (200, round(page.height * 200 / page.width))
    assert image("0,0,512,256/max/0/default.png").size == (512, 256)
    assert image("0,0,512,256/max/0/default.png").format == "PNG"
    assert image("pct:50,50,50,50/!100,100/0/gray.jpg").mode == "L"
    assert image("square/64,64/0/default.jpg").size == (64, 64)
    # A tile at the right-hand edge is clipped to the image.
    edge = image(f"{page.width - 100},0,512,512/max/0/default.jpg")
    assert edge.size == (100, 512)


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("full/max/90/default.jpg", "rotation '90' is not served; this server is level 1: use 0"),
        ("full/max/0/bitonal.jpg", "quality 'bitonal' is not served; use default, color or gray"),
        ("full/max/0/default.webp", "format 'webp' is not served; use jpg or png"),
        ("99999,0,10,10/max/0/default.jpg", "region '99999,0,10,10' lies outside the"),
        ("full/^2000,/0/default.jpg", "size '^2000,' asks for upscaling, which this server does not do"),
        ("full/huge/0/default.jpg", "size 'huge' is not max, w,, ,h, w,h, !w,h or pct:n"),
    ],
)
def test_bad_image_requests_are_400_and_say_which_parameter(reader_client: Any, page: Any, path: str, message: str) -> None:
    response = reader_client.get(f"/iiif/image/{page.sha256}/{path}")
    assert response.status_code == 400
    assert message in html.unescape(response.text)


def test_unknown_images_and_manifests_are_404(reader_client: Any) -> None:
    assert reader_client.get("/iiif/image/" + "0" * 64 + "/info.json").status_code == 404
    assert reader_client.get("/iiif/image/../../etc/passwd/info.json").status_code == 404
    assert reader_client.get("/iiif/wcda-900001/manifest.json").status_code == 404  # a record without a scan
    assert reader_client.get("/iiif/no-such/manifest.json").status_code == 404


def test_manifest_is_presentation_3(reader_client: Any, record: Record, page: Any) -> None:
    from iiif_prezi3 import Manifest

    response = reader_client.get(f"/iiif/{RECORD}/manifest.json")
    assert response.status_code == 200
    manifest = response.json()
    # The models iiif-prezi3 generates from the Presentation 3 JSON schema accept it as it is.
    reread = json.loads(Manifest(**manifest).json())
    assert reread["items"] == manifest["items"]
    assert manifest["@context"] == "http://iiif.io/api/presentation/3/context.json"
    assert manifest["id"] == f"http://testserver/iiif/{RECORD}/manifest.json"
    assert manifest["label"] == {"none": [record.title]}
    assert manifest["requiredStatement"]["label"] == {"en": ["Citation"]}
    assert "Agreement Establishing the Commonwealth" in manifest["requiredStatement"]["value"]["none"][0]
    assert {"label": {"en": ["Original language"]}, "value": {"none": ["Russian"]}} in manifest["metadata"]
    canvas = manifest["items"][0]
    assert (canvas["type"], canvas["width"], canvas["height"]) == ("Canvas", page.width, page.height)
    painting = canvas["items"][0]["items"][0]
    assert painting["motivation"] == "painting" and painting["target"] == canvas["id"]
    assert painting["body"]["service"][0]["id"] == f"http://testserver/iiif/image/{page.sha256}"
    text = canvas["annotations"][0]["items"][0]
    assert text["motivation"] == "supplementing" and text["body"]["language"] == "ru"
    assert "Беларусь" in text["body"]["value"]
    formats = {r["format"] for r in manifest["rendering"]}
    assert formats == {"application/pdf", "text/markdown"}
    pdf = next(r for r in manifest["rendering"] if r["format"] == "application/pdf")
    download = reader_client.get(pdf["id"].replace("http://testserver", ""))
    assert download.status_code == 200 and download.content.startswith(b"%PDF-")
    assert download.headers["content-type"] == "application/pdf"


def test_oai_pmh_links_the_manifest_and_resolves_page_images(reader_client: Any, schemas: Any) -> None:
    from lxml import etree

    schema = etree.XMLSchema(etree.parse(str(schemas / "OAI-PMH.xsd")))
    ns = {"oai": "http://www.openarchives.org/OAI/2.0/", "dc": "http://purl.org/dc/elements/1.1/",
          "tei": "http://www.tei-c.org/ns/1.0"}
    dc = etree.fromstring(reader_client.get(f"/oai?verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:fonds:{RECORD}").content)
    schema.assertValid(dc)
    relations = [r.text for r in dc.iterfind(".//dc:relation", ns)]
    assert f"http://testserver/iiif/{RECORD}/manifest.json" in relations
    tei = etree.fromstring(reader_client.get(f"/oai?verb=GetRecord&metadataPrefix=tei&identifier=oai:fonds:{RECORD}").content)
    schema.assertValid(tei)
    facsimile = tei.find(".//tei:facsimile", ns)
    assert facsimile.get("{http://www.w3.org/XML/1998/namespace}base") == "http://testserver/"
    # A record without a scan links no manifest.
    plain = etree.fromstring(reader_client.get("/oai?verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:fonds:wcda-900001").content)
    assert not [r.text for r in plain.iterfind(".//dc:relation", ns) if "manifest" in (r.text or "")]


def test_json_twin_lists_renditions_with_file_urls(reader_client: Any, page: Any) -> None:
    data = reader_client.get(f"/records/{RECORD}.json").json()
    assert data["manifest"] == f"http://testserver/iiif/{RECORD}/manifest.json"
    scan = next(r for r in data["renditions"] if r["kind"] == "scan")
    assert scan["images"][0]["url"] == f"http://testserver/files/{page.sha256}"
    assert scan["images"][0]["iiif"] == f"http://testserver/iiif/image/{page.sha256}"
    transcript = next(r for r in data["renditions"] if r["kind"] == "transcript")
    assert transcript["machine_made"] is True and transcript["maker"]["engine"] == "tesseract"
    translation = next(r for r in data["renditions"] if r["kind"] == "translation")
    file = reader_client.get(translation["source"]["url"].replace("http://testserver", ""))
    assert file.status_code == 200 and file.text.startswith("English text published by The European Commission")
    assert file.headers["content-type"] == "text/plain; charset=utf-8"
    # the OCR's word positions: linked, served as JSON, one entry per page image with its size
    words = reader_client.get(transcript["words"]["url"].replace("http://testserver", ""))
    assert words.status_code == 200 and words.headers["content-type"] == "application/json"
    pages = words.json()["pages"]
    assert [(p["width"], p["height"]) for p in pages] == [(i["width"], i["height"]) for i in scan["images"]]
    assert any(w[4].startswith("Беларусь") for w in pages[0]["words"])
