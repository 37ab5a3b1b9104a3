"""Languages as archives' descriptions write them, to ISO 639-1 codes.

EAD `langmaterial/language@langcode`, ArchivesSpace and MARC use ISO 639-2 three-letter codes
(`eng`, `rus`, `ger`/`deu`); AtoM and Dublin Core often use ISO 639-1 (`en`) or names
(`English`, `Spanish; Castilian`). Unknown values are returned apart, for a warning.
"""

from __future__ import annotations

import re

from fonds.vocabulary import language_code

# ISO 639-2 (bibliographic and terminologic forms) -> ISO 639-1, for the languages of the
# archives fonds serves (Cold War Europe and Asia) and the commonest others.
ISO639_2 = {
    "eng": "en", "rus": "ru", "ger": "de", "deu": "de", "fre": "fr", "fra": "fr", "spa": "es",
    "ita": "it", "por": "pt", "chi": "zh", "zho": "zh", "kor": "ko", "jpn": "ja", "pol": "pl",
    "cze": "cs", "ces": "cs", "slo": "sk", "slk": "sk", "hun": "hu", "rum": "ro", "ron": "ro",
    "bul": "bg", "srp": "sr", "hrv": "hr", "slv": "sl", "mac": "mk", "mkd": "mk", "alb": "sq",
    "sqi": "sq", "ukr": "uk", "bel": "be", "lit": "lt", "lav": "lv", "est": "et", "fin": "fi",
    "swe": "sv", "nor": "no", "dan": "da", "dut": "nl", "nld": "nl", "gre": "el", "ell": "el",
    "tur": "tr", "ara": "ar", "heb": "he", "per": "fa", "fas": "fa", "hin": "hi", "vie": "vi",
    "mon": "mn", "lat": "la", "yid": "yi", "geo": "ka", "kat": "ka", "arm": "hy", "hye": "hy",
    "aze": "az", "kaz": "kk", "uzb": "uz", "tha": "th", "ind": "id", "khm": "km", "lao": "lo",
}
_SPLIT = re.compile(r"\s*[|;,/]\s*|\s+and\s+")


def language_codes(text: str | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(ISO 639-1 codes, values not understood) of a cell or attribute: `en|fr`, `eng`,
    `English; Russian`, `rus and eng`, `Spanish; Castilian` (a MARC name with its alias)."""
    if not text or not text.strip():
        return (), ()
    whole = _one(text)
    if whole:
        return (whole,), ()
    parts = [part for part in _SPLIT.split(text.strip()) if part]
    codes: list[str] = []
    unknown: list[str] = []
    for part in parts:
        code = _one(part)
        if code is None:
            unknown.append(part)
        elif code not in codes:
            codes.append(code)
    if len(codes) == 1 and _one(parts[0]):  # "Spanish; Castilian": the rest names the same language
        unknown = []
    return tuple(codes), tuple(unknown)


def _one(value: str) -> str | None:
    value = value.strip().strip(".")
    lowered = value.lower()
    if lowered in ISO639_2:
        return ISO639_2[lowered]
    code = language_code(value)
    if code:
        return code
    return lowered if re.fullmatch(r"[a-z]{2}", lowered) else None
