"""One family of exceptions. Errors seen on the web carry their HTTP status."""

from __future__ import annotations

import re
from dataclasses import dataclass

# A value a message quotes (Python's repr of a string, 'like this' or "like this") longer than
# QUOTED_LIMIT characters is cut to its first QUOTED_KEPT; a run of text with no space longer
# than RUN_LIMIT is cut to its first RUN_KEPT. Each cut says how long the value was.
QUOTED_LIMIT, QUOTED_KEPT = 200, 80  # 200: the longest identifier (fonds.identifiers) is shown whole
RUN_LIMIT, RUN_KEPT = 300, 100
# Whatever is still longer than TOTAL_LIMIT keeps its head and its tail (what to do comes last).
TOTAL_LIMIT, HEAD_KEPT, TAIL_KEPT = 3000, 1500, 1000
# A quote opens after the start, a space or punctuation (never after a letter, as in "record's")
# and closes before the end, a space or punctuation (never before a letter, as in "can't").
_QUOTED = re.compile(r"""(?<![\w'"])(['"])((?:\\.|(?!\1)[^\\]){%d,}?)\1(?![\w'"])""" % (QUOTED_LIMIT + 1), re.S)
_RUN = re.compile(r"\S{%d,}" % (RUN_LIMIT + 1))


def bounded(text: str) -> str:
    """`text` with every overlong value it echoes cut short, saying how long it was: a 5,000-character
    id a user typed gives `'aaaa…' (5000 characters)`, not a 5,000-character line. The rest of the
    message (what is wrong and what to do) is kept whole. Applied to every FondsError's text and
    every Problem line, so the CLI, the web's error pages and JSON error bodies and the log all
    echo at most a bounded piece of what a user gave."""
    if len(text) <= QUOTED_LIMIT:
        return text

    def quoted(match: re.Match[str]) -> str:
        quote, inner = match.group(1), match.group(2)
        return f"{quote}{inner[:QUOTED_KEPT]}…{quote} ({len(inner)} characters)"

    def run(match: re.Match[str]) -> str:
        return f"{match.group(0)[:RUN_KEPT]}… ({len(match.group(0))} characters)"

    text = _RUN.sub(run, _QUOTED.sub(quoted, text))
    if len(text) > TOTAL_LIMIT:
        text = f"{text[:HEAD_KEPT]} … [{len(text) - HEAD_KEPT - TAIL_KEPT} characters left out] … {text[-TAIL_KEPT:]}"
    return text


class FondsError(Exception):
    """Any error fonds reports to a user: the message says what, where and what to do.

    Its text echoes at most a bounded piece of any value it quotes (`bounded`)."""

    status = 500

    def __str__(self) -> str:
        return bounded(super().__str__())


class ConfigError(FondsError):
    status = 500


class RecordError(FondsError):
    """A record (or a whole input file) that cannot be read."""

    status = 400


class QueryError(FondsError):
    """A search the user typed that cannot be parsed."""

    status = 400


class BadRequest(FondsError):
    """A page's parameter that cannot be read (a page number that is not one)."""

    status = 400


class NotFound(FondsError):
    status = 404


class StoreError(FondsError):
    status = 500


class UnreadableRecord(StoreError):
    """A stored record row that cannot be decoded as Record JSON (damaged or edited by hand)."""

    def __init__(self, record_id: str, reason: str) -> None:
        super().__init__(
            f"record {record_id!r}: its stored data cannot be read ({reason}); `fonds check` lists it: "
            "ingest the record again from its source file, or restore it from a dump"
        )
        self.record_id = record_id
        self.reason = reason


class ReadOnlyError(StoreError):
    """A write asked of a read-only store: a hot standby, or a node started with --read-only."""

    status = 403


class ExportError(FondsError):
    status = 400


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input: where, and what."""

    origin: str
    message: str

    def __str__(self) -> str:
        return bounded(f"{self.origin}: {self.message}")
