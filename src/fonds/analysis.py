"""How each language's text is analysed for the index, and how a search word is analysed to meet it.

Every text goes, as today, through the `fonds` analyzer (Tantivy's simple tokenizer, lower-casing,
ASCII folding, English Snowball stemming) into `title`, `summary`, `text` and `persons`: a word is
always found as itself, whatever its language. Beside those, a text feeds the fields of its own
language, each with an analyzer of its own:

| field      | what goes in                                         | analysis |
|------------|------------------------------------------------------|----------|
| `text_cjk` | every run of Han, Kana or Hangul, in any rendition   | overlapping bigrams, as Lucene's CJKAnalyzer (a run of one character is kept whole); Han folded to simplified (OpenCC `jp2t` then `t2s`, so `蘇聯` and `苏联`, `毛沢東` and `毛泽东` meet) |
| `text_ru`  | a Russian rendition's text; Cyrillic words elsewhere | lower-case, `ё` as `е`, Snowball Russian |
| `text_de`  | a German rendition's text                            | lower-case, Snowball German |
| `text_fr`  | a French rendition's text                            | lower-case, ASCII folding, Snowball French |

The language of a rendition (`Rendition.language`, ISO 639-1) decides which of `text_ru`,
`text_de`, `text_fr` it feeds; a rendition without a language feeds `text_ru` when it is mostly
Cyrillic. Script decides `text_cjk`, because a run of Han characters is bigrammed the same way
whether it is Chinese or Japanese, and English translations quote names in their original script.

A search word is analysed once per field (`query_terms`): CJK words become the bigrams of their
runs (searched as a phrase, so a word inside a longer run is found and a phrase stays a phrase),
Cyrillic words are stemmed for `text_ru`, Latin words for `text_de` and `text_fr`.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Iterable

import tantivy

ENGLISH = "fonds"
CJK_FIELD = "text_cjk"
LANGUAGE_FIELDS = {"ru": "text_ru", "de": "text_de", "fr": "text_fr"}  # rendition language -> its field
STEMMERS = {"text_ru": "russian", "text_de": "german", "text_fr": "french"}
ANALYZED_FIELDS = (CJK_FIELD, *STEMMERS)
RUSSIAN_CASE_ENDINGS = ("", "а", "у", "ом", "ым", "е", "ой", "ы", "ых", "ыми", "ем", "ю", "я", "и", "ей", "ого", "ому")
MAX_WORD = 60  # longer tokens are dropped (as by the English analyzer)

# Han (with extension A and compatibility ideographs), Hiragana, Katakana (with the half-width
# forms and the prolonged sound mark), Hangul syllables and jamo.
_CJK = (
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9f"
    "\uac00-\ud7af\u1100-\u11ff\u3130-\u318f"
)
CJK_RUN = re.compile(f"[{_CJK}]+")
_CYRILLIC_WORD = re.compile(r"[\u0400-\u04ff][\u0400-\u04ff\w'’-]*")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_CJK_SPACE = re.compile(f"(?<=[{_CJK}])\\s+(?=[{_CJK}])")


# The first byte, in UTF-8, of every character CJK_RUN matches (U+1100-11FF: E1; U+3040-9FFF:
# E3-E9; U+AC00-D7AF: EA-ED; U+F900-FAFF and U+FF66-FF9F: EF). Quotes, dashes and the other
# punctuation of U+2000-2FFF start with E2; Latin and Cyrillic letters with C2-D4.
_CJK_LEAD_BYTES = tuple(bytes([lead]) for lead in (0xE1, *range(0xE3, 0xEE), 0xEF))
# U+0400-04FF in UTF-8: two bytes, the first D0-D3, and no other character starts with those
# (a continuation byte is 80-BF; a surrogate passed through starts with ED).
_CYRILLIC_LEAD_BYTES = (b"\xd0", b"\xd1", b"\xd2", b"\xd3")
_LONG = 64  # characters: above this, a text is looked at as UTF-8 bytes first


def _holds_byte(data: bytes, leads: tuple[bytes, ...]) -> bool:
    """Whether `data` holds one of these bytes: one `bytes.find` (memchr) per byte, several times
    faster than a regular expression's character class over the same bytes."""
    return any(lead in data for lead in leads)


def has_cjk(text: str) -> bool:
    """Whether the text holds a CJK character (CJK_RUN). A long text is first looked at as UTF-8
    bytes, a search several times faster than over its characters, which rules most texts out."""
    if text.isascii():
        return False
    if len(text) > _LONG and not _holds_byte(text.encode("utf-8", "surrogatepass"), _CJK_LEAD_BYTES):
        return False
    return CJK_RUN.search(text) is not None


def has_cyrillic(text: str) -> bool:
    """Whether the text holds a Cyrillic letter (U+0400-04FF); a long one is looked at as UTF-8
    bytes (the same answer: see _CYRILLIC_LEAD_BYTES)."""
    if text.isascii():
        return False
    if len(text) > _LONG:
        return _holds_byte(text.encode("utf-8", "surrogatepass"), _CYRILLIC_LEAD_BYTES)
    return _CYRILLIC.search(text) is not None


@cache
def _converters() -> tuple[object, object]:
    import opencc  # the OpenCC library with its dictionaries (the `opencc` wheel ships them)

    return opencc.OpenCC("jp2t.json"), opencc.OpenCC("t2s.json")


def fold_han(text: str) -> str:
    """Han characters folded to simplified Chinese: Japanese shinjitai to traditional (OpenCC
    `jp2t`), then traditional to simplified (`t2s`). `蘇聯` -> `苏联`, `毛沢東` -> `毛泽东`.
    Text without Han characters comes back unchanged."""
    if not has_cjk(text):
        return text
    japanese, traditional = _converters()
    return str(traditional.convert(japanese.convert(text)))  # type: ignore[attr-defined]


def bigrams(run: str) -> list[str]:
    """The overlapping pairs of a run of CJK characters; a run of one character is itself."""
    if len(run) < 2:
        return [run] if run else []
    return [run[i : i + 2] for i in range(len(run) - 1)]


def cjk_terms(text: str) -> list[list[str]]:
    """Each CJK run of a text (after `fold_han`) as its bigrams: `苏联大使馆` -> [[苏联, 联大, 大使, 使馆]]."""
    return [bigrams(run) for run in CJK_RUN.findall(fold_han(text))]


def cjk_field_text(text: str) -> str:
    """What `text_cjk` indexes for a text: its runs' bigrams, separated by spaces; "" without CJK."""
    if not has_cjk(text):
        return ""
    return " ".join(" ".join(run) for run in cjk_terms(text))


def fold_russian(text: str) -> str:
    """`ё` as `е` (Russian print mostly omits the diaeresis, so a search must not depend on it)."""
    return text.replace("ё", "е").replace("Ё", "Е")


def _is_mostly_cyrillic(text: str) -> bool:
    sample = text[:2000]
    if not has_cyrillic(sample):  # no Cyrillic letter: the letters need not be counted
        return False
    letters = sum(1 for c in sample if c.isalpha())
    return letters > 0 and len(_CYRILLIC.findall(sample)) * 2 > letters


def language_fields(text: str, language: str | None) -> dict[str, str]:
    """The language fields one rendition's text feeds, each with the value to index.

    `language` is the rendition's ISO 639-1 code (or None). Shape: {"text_cjk": "苏联 联大 …",
    "text_ru": "…"}; a field the text does not feed is left out.
    """
    fields: dict[str, str] = {}
    if not text:
        return fields
    own = LANGUAGE_FIELDS.get((language or "").split("-")[0].lower())  # `de-Latf` (Fraktur) is German
    if text.isascii():
        if own and own != "text_ru":
            fields[own] = text
        return fields
    cjk = cjk_field_text(text)
    if cjk:
        fields[CJK_FIELD] = cjk
    if own is None and language is None and _is_mostly_cyrillic(text):
        own = "text_ru"
    if own == "text_ru":
        fields[own] = fold_russian(text)
    elif own:
        fields[own] = text
    elif has_cyrillic(text):  # a Russian name or phrase quoted in another language
        fields["text_ru"] = fold_russian(" ".join(_CYRILLIC_WORD.findall(text)))
    return fields


def document_fields(texts: Iterable[tuple[str, str | None]]) -> dict[str, list[str]]:
    """The language fields of several texts (title, summary, each rendition), each with its language."""
    out: dict[str, list[str]] = {}
    for text, language in texts:
        for name, value in language_fields(text, language).items():
            out.setdefault(name, []).append(value)
    return out


def english_analyzer() -> tantivy.TextAnalyzer:
    """The analyzer of title, summary, text and persons: as fonds has always had."""
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(MAX_WORD))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
        .filter(tantivy.Filter.stemmer("english"))
        .build()
    )


def _stemming_analyzer(language: str) -> tantivy.TextAnalyzer:
    builder = (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(MAX_WORD))
        .filter(tantivy.Filter.lowercase())
    )
    if language == "french":  # accents vary in French typing (`negociations`); Cyrillic is left alone
        builder = builder.filter(tantivy.Filter.ascii_fold())
    return builder.filter(tantivy.Filter.stemmer(language)).build()


def _cjk_analyzer() -> tantivy.TextAnalyzer:
    return tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()


def analyzers() -> dict[str, tantivy.TextAnalyzer]:
    """Tokenizer name -> analyzer, for `Index.register_tokenizer`; the names are the field names."""
    found = {ENGLISH: english_analyzer(), CJK_FIELD: _cjk_analyzer()}
    for name, language in STEMMERS.items():
        found[name] = _stemming_analyzer(language)
    return found


class Analysis:
    """The analyzers of one index, built once: analyse search words for each field."""

    def __init__(self) -> None:
        self.by_field = analyzers()

    def tokens(self, text: str, field: str = ENGLISH) -> list[str]:
        """The terms `text` gives in one field (`fonds` for title/summary/text/persons)."""
        if field == CJK_FIELD:
            return [gram for run in cjk_terms(text) for gram in run]
        if field == "text_ru":
            text = fold_russian(text)
        return [t for t in self.by_field[field].analyze(text) if t]

    def cjk_forms(self, text: str) -> list[list[str]]:
        """The `text_cjk` terms of a search text, as typed and with the spaces between CJK words
        taken out: `苏联 大使` is both [苏联, 大使] (text with a space, as Korean has) and
        [苏联, 联大, 大使] (text without, as Chinese and Japanese have)."""
        spaced = self.tokens(text, CJK_FIELD)
        joined = self.tokens(_CJK_SPACE.sub("", text), CJK_FIELD)
        return [spaced] if joined == spaced else [spaced, joined]

    def name_terms(self, word: str) -> list[str]:
        """The `text_ru` terms of a Russian name word in any grammatical case.

        Snowball stems a name's cases apart (`Хрущёв` -> хрущ, `Хрущёву` -> хрущев), so the word
        is stemmed with each case ending of Russian nouns and surnames added, and all stems kept.
        """
        stems = {term for ending in RUSSIAN_CASE_ENDINGS for term in self.tokens(word + ending, "text_ru")}
        return sorted(stems)

    def query_fields(self, text: str) -> list[str]:
        """The language fields a search word is looked for in, besides the English ones."""
        if text.isascii():
            return ["text_de", "text_fr"]
        fields = []
        if has_cjk(text):
            fields.append(CJK_FIELD)
        if has_cyrillic(text):
            fields.append("text_ru")
        elif not has_cjk(text):
            fields.extend(["text_de", "text_fr"])
        return fields
