"""Names that look like a person's but match no authority entry: for review (`fonds authority
candidates`), never added silently.

A name after a title (`Ambassador Dobrynin`, `Comrade Pak`) or with initials (`N. S. Khrushchev`)
that the matcher does not already link is counted, most frequent first, with up to five records
that hold it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Iterable

from fonds.linking import Matcher
from fonds.record import Record
from fonds.variants import titles


@dataclass(frozen=True)
class Candidate:
    """A name that looks like a person's but matches no authority entry: for review, never added silently."""

    name: str
    count: int
    records: tuple[str, ...]


_TITLED = re.compile(
    r"\b(?:Comrade|Ambassador|Minister|General|Admiral|Marshal|Mr\.|Mrs\.|Dr\.|Premier|Chairman|President|Senator)"
    r"\s+((?:[A-Z][a-z'’]+(?:-[a-z]+)?\s?){1,3})"
)
_INITIALED = re.compile(r"\b((?:[A-Z]\.\s?){1,2}[A-Z][a-z'’]+(?:-[a-z]+)?)")


def candidates(records: Iterable[Record], matcher: Matcher) -> list[Candidate]:
    """Person-like names (after a title, or with initials) that no entry matches, most frequent first."""
    counts: Counter[str] = Counter()
    seen_in: dict[str, list[str]] = {}
    for record in records:
        for rendition in record.renditions:
            known = [(m.start, m.end) for m in matcher.mentions(rendition.text)]
            for pattern in (_TITLED, _INITIALED):
                for match in pattern.finditer(rendition.text):
                    start, end = match.span(1)
                    name = match.group(1).strip()
                    if any(s < end and start < e for s, e in known) or name in titles():
                        continue
                    counts[name] += 1
                    seen_in.setdefault(name, [])
                    if record.id not in seen_in[name]:
                        seen_in[name].append(record.id)
    return [Candidate(name, count, tuple(seen_in[name][:5])) for name, count in counts.most_common()]
