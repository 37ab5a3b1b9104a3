"""The source note of a FRUS document, read into repository, reference, classification and drafter;
and the document's original language from it. See docs/frus.md.

"Source: Department of State, Central Files, 611.61/2-361. Confidential. Drafted by McSweeney."
A note that cites a published source ("Public Papers of the Presidents...") gives
`Source.publication`, never a repository.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fonds.record import Source
from fonds.repositories import publication_of

_CLASSIFICATION = re.compile(
    r"(?:Top Secret|Secret|Confidential|Unclassified|Limited Official Use|Official Use Only|"
    r"For Official Use Only|No classification marking|Personal and Confidential|Eyes Only|"
    r"Priority|Niact|Nodis|Limdis|Exdis|Immediate|Flash|Routine)\b"
)
_REPOSITORY = re.compile(
    r"Department of|Library|Archives|Agency|Records Center|University|Ministry|Council|"
    r"Institute|Center|Foundation|Historical Office|Papers\b"
)
_DRAFTED = re.compile(
    r"\bDrafted by (.+?)(?:,? (?:and )?(?:was )?(?:cleared|approved|concurred|revised|initialed)\b.*"
    r"| on [A-Z][a-z]+ \d.*)?$"
)
_LANGUAGE_WORDS = r"Russian|Soviet|Korean|Japanese|Chinese|French|German|Spanish|Vietnamese"
# "a Department of State translation", "translated from Russian", "unofficial translation".
_TRANSLATION = re.compile(rf"(?:\b({_LANGUAGE_WORDS}) )?\btranslat(?:ion|ed from)\b")
# "A copy of the Russian text", "The Russian-language text is ibid.": the printed text is English.
_ORIGINAL_TEXT = re.compile(rf"\b({_LANGUAGE_WORDS})(?:-language)? (?:text|original)\b")
_ABBREVIATIONS = {
    "p", "pp", "no", "nos", "vol", "vols", "mr", "mrs", "dr", "st", "jr", "sr", "gen", "lt",
    "col", "adm", "amb", "op", "cit", "e.g", "i.e", "u.s", "u.n", "ca", "cf", "sec", "dept",
}


@dataclass(frozen=True)
class SourceNote:
    source: Source
    is_translation: bool = False


def read_source_note(text: str | None) -> SourceNote:
    """The source note kept whole, and read into repository, reference, classification, drafter.

    "Source: Department of State, Central Files, 611.61/2-361. Confidential. Drafted by
    McSweeney." gives repository "Department of State", reference {"file": "Central Files,
    611.61/2-361"}, classification "Confidential", drafter "McSweeney".
    """
    if not text:
        return SourceNote(Source())
    body = re.sub(r"^\[?\s*Source\s*:?\s*", "", text, flags=re.I)
    sentences = _sentences(body) or [body]
    location, classification = sentences[0], None
    inline = re.search(rf",\s*({_CLASSIFICATION.pattern}.*)$", location)
    if inline:
        location, classification = location[: inline.start()], inline.group(1)
    for sentence in sentences[1:]:
        if classification is None and _CLASSIFICATION.match(sentence):
            classification = sentence
    drafter = None
    for sentence in sentences:
        drafted = _DRAFTED.search(sentence)
        if drafted:
            drafter = drafted.group(1).strip(" ,;")
            break
    repository, reference = _location(location.strip())
    source = Source(
        citation=text,
        repository=repository,
        reference=reference,
        publication=location.strip(" .") if publication_of(location) else None,
        classification=classification,
        drafter=drafter,
    )
    # "the Russian translation" is a translation *into* Russian of the text printed: no signal.
    said = any(found.group(1) is None for found in _TRANSLATION.finditer(text))
    is_translation = said or _ORIGINAL_TEXT.search(text) is not None
    return SourceNote(source, is_translation)


def _location(location: str) -> tuple[str | None, dict[str, str]]:
    if publication_of(location):
        return None, {}
    head = re.split(r"[,:]| (?=RG \d)| (?=S/S)", location, maxsplit=1)[0].strip()
    if not _REPOSITORY.search(head):
        return None, {"text": location} if location else {}
    rest = location[len(head):].strip(" ,:")
    return head, {"file": rest} if rest else {}


def _sentences(text: str) -> list[str]:
    """Split a note into sentences, not at "p. 476", "No. 3" or initials."""
    found: list[str] = []
    start = 0
    for end in re.finditer(r"\.[”\"’]?(?=\s+[A-Z\[(“\"‘]|\s*$)", text):
        token = re.search(r"([\w.]+)$", text[start : end.start()])
        word = token.group(1).lower() if token else ""
        if word in _ABBREVIATIONS or re.fullmatch(r"(?:[a-z]\.)*[a-z]", word):
            continue
        sentence = text[start : end.start()].strip()
        if sentence:
            found.append(sentence)
        start = end.end()
    rest = text[start:].strip(" .")
    if rest:
        found.append(rest)
    return found


# -- languages -------------------------------------------------------------------------------

_LANGUAGES = {
    "russian": "ru", "soviet": "ru", "korean": "ko", "japanese": "ja", "chinese": "zh",
    "french": "fr", "german": "de", "spanish": "es", "vietnamese": "vi",
}
_PLACES = {"moscow": "ru", "kremlin": "ru", "tokyo": "ja", "seoul": "ko", "pyongyang": "ko",
           "peking": "zh", "beijing": "zh", "taipei": "zh", "paris": "fr", "bonn": "de"}


def original_language(source: SourceNote, place: str | None) -> str | None:
    """English unless the source note says the text is a translation; then the language it names."""
    if not source.is_translation:
        return "en"
    original = _ORIGINAL_TEXT.search(source.source.citation or "")
    if original:
        return _LANGUAGES[original.group(1).lower()]
    note = (source.source.citation or "").lower()
    for word, code in _LANGUAGES.items():
        if re.search(rf"\b{word}\b", note):
            return code
    place = (place or "").lower()
    for word, code in _PLACES.items():
        if word in note or word == place:
            return code
    return None
