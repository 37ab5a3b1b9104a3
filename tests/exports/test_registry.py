from __future__ import annotations

from fonds.exports import EXPORTS
from fonds.record import Record


def test_every_format_has_a_media_type_an_extension_and_writes_text(wilson_record: Record) -> None:
    assert set(EXPORTS) >= {"tei", "oai_dc", "dc", "csl-json", "bibtex", "ris", "chicago"}
    for name, export in EXPORTS.items():
        assert "/" in export.media_type, name
        assert export.extension and not export.extension.startswith("."), name
        out = export.write(wilson_record)
        assert isinstance(out, str) and "Kim II Sung" in out, name
