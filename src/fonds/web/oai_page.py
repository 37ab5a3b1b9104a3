"""OAI-PMH for people: the protocol's XML shown as a readable page through `static/oai.xsl`.

Every OAI-PMH response names the stylesheet in an `<?xml-stylesheet?>` instruction, so a client
that applies XSLT itself shows the page and a harvester, which ignores the instruction, reads the
protocol's XML unchanged. Chromium is withdrawing client-side XSLT (it already covers such pages
with a warning whose inline styles the Content-Security-Policy refuses), so a browser, which asks
for `text/html` before any XML, gets the same stylesheet applied here instead. Harvesters ask for
`*/*` or `text/xml` and get the XML.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from fonds import safexml

STYLESHEET = Path(__file__).resolve().parent / "static" / "oai.xsl"
XML_TYPES = ("text/xml", "application/xml")
_transform: etree.XSLT | None = None


def wants_html(accept: str) -> bool:
    """True when an Accept header names text/html and prefers it to XML (as browsers send it)."""
    weights: dict[str, float] = {}
    for item in accept.split(","):
        media, *params = (part.strip() for part in item.split(";"))
        weight = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        weights[media.lower()] = max(weight, weights.get(media.lower(), 0.0))
    html = weights.get("text/html", 0.0)
    return html > 0 and html > max((weights.get(t, 0.0) for t in XML_TYPES), default=0.0)


def as_html(body: bytes, site_name: str) -> bytes:
    """An OAI-PMH response rendered by static/oai.xsl, as an HTML document (UTF-8)."""
    global _transform
    if _transform is None:
        sheet = safexml.parse(STYLESHEET.read_bytes(), str(STYLESHEET))
        _transform = etree.XSLT(sheet, access_control=etree.XSLTAccessControl.DENY_ALL)
    result = _transform(safexml.parse(body, "OAI-PMH response"), site=etree.XSLT.strparam(site_name))
    return bytes(result)
