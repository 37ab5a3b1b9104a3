"""The IIIF Image API 3.0 at level 1 (and a little more), over page images held in the FileStore.

https://iiif.io/api/image/3.0/ : a request is `{id}/{region}/{size}/{rotation}/{quality}.{format}`.
Supported: region `full`, `square`, `x,y,w,h`, `pct:x,y,w,h`; size `max`, `w,`, `,h`, `w,h`, `!w,h`,
`pct:n` (no upscaling, `^`, which level 1 does not require); rotation `0`; quality `default`,
`color`, `gray`; format `jpg`, `png`. Anything else is a 400 with the parameter named (spec §4).

Derivatives are cut on request with Pillow rather than tiled ahead with pyvips: pages are at most a
few thousand pixels a side, a decoded page stays in a small cache, and a 512-pixel tile then costs a
few milliseconds, with no second copy of every page on disk. pyvips pays off for gigapixel images,
which archives of typed documents do not hold.
"""

from __future__ import annotations

import io
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from fonds.errors import FondsError, NotFound
from fonds.renditions.files import FileStore

TILE = 512
FORMATS = {"jpg": ("JPEG", "image/jpeg"), "png": ("PNG", "image/png")}
QUALITIES = ("default", "color", "gray")
MAX_AREA = 25_000_000  # pixels a single response may have (maxArea in info.json)


class BadImageRequest(FondsError):
    """A IIIF Image API request whose parameters cannot be served (spec §7: 400 Bad Request)."""

    status = 400


@dataclass(frozen=True)
class ImageResponse:
    body: bytes
    media_type: str


class Images:
    """Answers Image API requests for the page images in one FileStore; keeps a few decoded pages."""

    def __init__(self, files: FileStore, *, cached_pages: int = 4) -> None:
        self.files = files
        self._decoded: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._limit = cached_pages

    def _image(self, sha256: str) -> Any:
        from PIL import Image, UnidentifiedImageError

        with self._lock:
            if sha256 in self._decoded:
                self._decoded.move_to_end(sha256)
                return self._decoded[sha256]
        path = self.files.open_path(sha256)
        try:
            with Image.open(path) as opened:
                image = opened.convert("RGB") if opened.mode not in ("RGB", "L") else opened.copy()
        except (UnidentifiedImageError, OSError) as error:
            raise NotFound(f"the archive's file {sha256} is not an image; ask for it at /files/{sha256}") from error
        with self._lock:
            self._decoded[sha256] = image
            while len(self._decoded) > self._limit:
                self._decoded.popitem(last=False)
        return image

    def info(self, sha256: str, service_id: str) -> dict[str, Any]:
        """info.json (spec §5) for the image, its service id `service_id` (no trailing slash)."""
        width, height = self._image(sha256).size
        sizes = []
        w, h = width, height
        while w >= 64 and h >= 64:
            sizes.append({"width": w, "height": h})
            w, h = (w + 1) // 2, (h + 1) // 2
        factors = [f for f in (1, 2, 4, 8, 16) if f == 1 or max(width, height) / f >= TILE / 2]
        return {
            "@context": "http://iiif.io/api/image/3/context.json",
            "id": service_id,
            "type": "ImageService3",
            "protocol": "http://iiif.io/api/image",
            "profile": "level1",
            "width": width,
            "height": height,
            "maxArea": MAX_AREA,
            "sizes": list(reversed(sizes)),
            "tiles": [{"width": TILE, "height": TILE, "scaleFactors": factors}],
            "extraQualities": ["color", "gray"],
            "extraFormats": ["png"],
        }

    def render(self, sha256: str, region: str, size: str, rotation: str, quality_format: str) -> ImageResponse:
        """The image cut, scaled and encoded as the request asks. BadImageRequest names a bad parameter."""
        quality, dot, fmt = quality_format.rpartition(".")
        if not dot or fmt not in FORMATS:
            raise BadImageRequest(f"format {fmt!r} is not served; use jpg or png")
        if quality not in QUALITIES:
            raise BadImageRequest(f"quality {quality!r} is not served; use default, color or gray")
        if rotation != "0":
            raise BadImageRequest(f"rotation {rotation!r} is not served; this server is level 1: use 0")
        image = self._image(sha256)
        x, y, w, h = parse_region(region, *image.size)
        out_w, out_h = parse_size(size, w, h)
        if out_w * out_h > MAX_AREA:
            raise BadImageRequest(f"size {size!r} gives {out_w}x{out_h} pixels, more than maxArea {MAX_AREA}")
        piece = image.crop((x, y, x + w, y + h))
        if (out_w, out_h) != (w, h):
            from PIL import Image

            piece = piece.resize((out_w, out_h), Image.Resampling.LANCZOS)
        if quality == "gray":
            piece = piece.convert("L")
        buffer = io.BytesIO()
        codec, media_type = FORMATS[fmt]
        piece.save(buffer, codec, **({"quality": 85} if codec == "JPEG" else {}))
        return ImageResponse(buffer.getvalue(), media_type)


def parse_region(region: str, width: int, height: int) -> tuple[int, int, int, int]:
    """(x, y, w, h) in pixels, clipped to the image (spec §4.1); BadImageRequest if empty or unreadable."""
    if region == "full":
        return 0, 0, width, height
    if region == "square":
        side = min(width, height)
        return (width - side) // 2, (height - side) // 2, side, side
    try:
        if region.startswith("pct:"):
            px, py, pw, ph = (float(v) for v in region[4:].split(","))
            x, y, w, h = round(px * width / 100), round(py * height / 100), round(pw * width / 100), round(ph * height / 100)
        else:
            x, y, w, h = (int(v) for v in region.split(","))
    except ValueError:
        raise BadImageRequest(f"region {region!r} is not full, square, x,y,w,h or pct:x,y,w,h") from None
    if w <= 0 or h <= 0 or x < 0 or y < 0 or x >= width or y >= height:
        raise BadImageRequest(f"region {region!r} lies outside the {width}x{height} image or is empty")
    return x, y, min(w, width - x), min(h, height - y)


def parse_size(size: str, width: int, height: int) -> tuple[int, int]:
    """The output (w, h) for a region of `width` x `height` (spec §4.2); no upscaling."""
    if size == "max":
        return width, height
    if size.startswith("^"):
        raise BadImageRequest(f"size {size!r} asks for upscaling, which this server does not do")
    try:
        if size.startswith("pct:"):
            factor = float(size[4:]) / 100
            out = round(width * factor), round(height * factor)
        elif size.startswith("!"):
            bw, bh = (int(v) for v in size[1:].split(","))
            scale = min(bw / width, bh / height)
            out = round(width * scale), round(height * scale)
        else:
            sw, _, sh = size.partition(",")
            if sw and sh:
                out = int(sw), int(sh)
            elif sw:
                out = int(sw), round(height * int(sw) / width)
            elif sh:
                out = round(width * int(sh) / height), int(sh)
            else:
                raise ValueError(size)
    except ValueError:
        raise BadImageRequest(f"size {size!r} is not max, w,, ,h, w,h, !w,h or pct:n") from None
    if out[0] <= 0 or out[1] <= 0:
        raise BadImageRequest(f"size {size!r} gives an empty image")
    if out[0] > width or out[1] > height:
        raise BadImageRequest(f"size {size!r} is larger than the region ({width}x{height}); this server does not upscale")
    return out
