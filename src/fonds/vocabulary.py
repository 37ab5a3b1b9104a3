"""Controlled vocabularies: languages, repositories, projects and document types.

The tables are facts kept as data files in `fonds/data/`; this module loads
them once and answers look-ups.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

# Longer, more specific types first: "Memorandum of Conversation" before "Memorandum".
DOCUMENT_TYPES = (
    "Memorandum of Conversation",
    "Record of Conversation",
    "Minutes of Conversation",
    "Record of a Conversation",
    "Memorandum for the Record",
    "Editorial Note",
    "Intelligence Estimate",
    "Telegram",
    "Cable",
    "Airgram",
    "Letter",
    "Message",
    "Report",
    "Minutes",
    "Memorandum",
    "Note",
    "Notes",
    "Diary",
    "Speech",
    "Statement",
    "Resolution",
    "Decree",
    "Directive",
    "Instructions",
    "Transcript",
    "Paper",
    "Briefing",
    "Circular",
    "Summary",
    "Protocol",
    "Agreement",
    "Communiqué",
    "Conversation",
)

_NORMAL_TYPE = {
    "Record of a Conversation": "Record of Conversation",
    "Notes": "Note",
    "Conversation": "Record of Conversation",
}


def _table(name: str) -> list[list[str]]:
    text = resources.files("fonds.data").joinpath(name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=1)
def _languages() -> dict[str, str]:
    names: dict[str, str] = {}
    for code, english in _table("languages.tsv"):
        names[code] = code
        for name in english.split(","):
            names[name.strip().lower()] = code
    return names


@lru_cache(maxsize=1)
def language_names() -> dict[str, str]:
    """ISO 639-1 code -> English name."""
    return {code: english.split(",")[0] for code, english in _table("languages.tsv")}


def language_code(name: str) -> str | None:
    """'Russian' -> 'ru'; 'ru' -> 'ru'; unknown -> None."""
    return _languages().get(name.strip().lower())


LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")  # BCP 47's shape (RFC 5646 §2.1)


def canonical_tag(tag: str) -> str:
    """A BCP 47 tag in the case RFC 5646 §2.1.1 recommends: the language lower case, a four-letter
    script title case, a two-letter region upper case, the rest lower case (`ZH-hant-tw` ->
    `zh-Hant-TW`, `sr-latn` -> `sr-Latn`, `pt-br` -> `pt-BR`). Tags are compared without case."""
    first, *rest = tag.split("-")
    parts = [first.lower()]
    for part in rest:
        if len(part) == 4 and part.isalpha():
            parts.append(part.title())
        elif len(part) == 2 and part.isalpha():
            parts.append(part.upper())
        else:
            parts.append(part.lower())
    return "-".join(parts)


def language_tag(text: str) -> str | None:
    """What a search's `lang:` names: a language name or ISO 639-1 code (`Russian`, `ru` -> `ru`),
    or a BCP 47 tag with script, region or variant subtags whose language is known (`zh-hant` ->
    `zh-Hant`, `pt-BR`, `sr-Latn`, `de-Latf`), in canonical case. None for anything else: an unknown
    language or a malformed tag (`zh-`, `zh--Hant`, a subtag over 8 characters)."""
    text = text.strip()
    code = language_code(text)
    if code is not None:
        return code
    if "-" not in text or not LANGUAGE_TAG.match(text):
        return None
    primary = text.split("-", 1)[0].lower()
    if _languages().get(primary) != primary:  # a known code, not a name that happens to be short
        return None
    return canonical_tag(text)


@lru_cache(maxsize=1)
def repositories() -> dict[str, tuple[str, str]]:
    """Repository code -> (name, place)."""
    return {row[0]: (row[1], row[2]) for row in _table("repositories.tsv")}


@lru_cache(maxsize=1)
def repository_forms() -> dict[str, str]:
    """Other printed forms of a shipped repository -> its code: abbreviations and names in other
    scripts (`РГАНИ` -> `RGANI`, `АВП РФ` -> `AVPRF`), from the fourth column of repositories.tsv."""
    return {form.strip(): row[0] for row in _table("repositories.tsv") if len(row) > 3
            for form in row[3].split("|") if form.strip()}


@lru_cache(maxsize=1)
def projects() -> dict[str, str]:
    """Project code (NKIDP) -> title."""
    return {row[0]: row[1] for row in _table("projects.tsv")}


@lru_cache(maxsize=1)
def _type_pattern() -> re.Pattern[str]:
    alternatives = "|".join(re.escape(t) for t in DOCUMENT_TYPES)
    return re.compile(rf"\b({alternatives})\b", re.I)


def document_type(title: str) -> str | None:
    """The kind of document a title names: the earliest type word in it."""
    found = _type_pattern().search(title)
    if not found:
        return None
    word = found.group(1)
    canonical = next(t for t in DOCUMENT_TYPES if t.lower() == word.lower())
    return _NORMAL_TYPE.get(canonical, canonical)
