"""The titles a name may follow (`President`, `Ambassador`, `Comrade`), for the linking matcher
(linking.py): a title before a family name chooses between the persons who bear that name.

The titles and their kinds (office, military, courtesy...) are variants.py's (`titles`,
`read_title_kinds`). A text's end is matched against the titles ending in its last character
only, longest first.
"""

from __future__ import annotations

from functools import cache

from fonds.variants import read_title_kinds, titles


def title_before(before: str, *, any_case: bool, rank: bool) -> int | None:
    """The place in `title_table` of the first title (longest first) the text ends with, as it
    is written or, with `any_case`, in lower case; with `rank`, offices and ranks only. None if
    it ends with none. Only the titles that end in the text's last character are tried."""
    for place, spelling in _title_ends(any_case, rank).get(before[-1:], ()):
        if before.endswith(spelling):
            return place
    return None


@cache
def _title_ends(any_case: bool, rank: bool) -> dict[str, tuple[tuple[int, str], ...]]:
    """For `title_before`: last character -> (place in `title_table`, spelling) of the titles
    that end in it, in the order of the table."""
    ends: dict[str, list[tuple[int, str]]] = {}
    for place, (title, lower, _, is_rank) in enumerate(title_table()):
        if rank and not is_rank:
            continue
        for spelling in dict.fromkeys((title, lower) if any_case else (title,)):
            ends.setdefault(spelling[-1:], []).append((place, spelling))
    return {last: tuple(spellings) for last, spellings in ends.items()}


@cache
def title_table() -> tuple[tuple[str, str, str, bool], ...]:
    """(title, in lower case, its last word in lower case, whether it is an office or a rank), longest first."""
    kinds = read_title_kinds()
    return tuple(
        (title, title.lower(), title.rstrip(".").split()[-1].lower(), kinds.get(title) in ("office", "military"))
        for title in titles()
    )
