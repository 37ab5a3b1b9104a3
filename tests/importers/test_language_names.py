"""Languages as descriptions write them, to ISO 639-1."""

from __future__ import annotations

import pytest

from fonds.importers.language_names import language_codes


@pytest.mark.parametrize(
    ("text", "codes", "unknown"),
    [
        ("eng", ("en",), ()),
        ("ger", ("de",), ()),
        ("deu", ("de",), ()),
        ("en|fr", ("en", "fr"), ()),
        ("Russian", ("ru",), ()),
        ("rus and eng", ("ru", "en"), ()),
        ("Spanish; Castilian", ("es",), ()),
        ("Klingon", (), ("Klingon",)),
        ("", (), ()),
    ],
)
def test_language_codes(text: str, codes: tuple[str, ...], unknown: tuple[str, ...]) -> None:
    assert language_codes(text) == (codes, unknown)
