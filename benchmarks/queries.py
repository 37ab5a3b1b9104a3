"""The fixed mix of 50 searches, each written three ways.

- `fonds`: the fonds query language (query.py), as a user types it.
- `raw`: the same search in Tantivy's own query language, on the raw index.
- `datasette`: the same search as Datasette table-API parameters over SQLite FTS5
  (`_search` in FTS5 syntax with `_searchmode=raw`, filters as column arguments).

Deep pages: `offset` for fonds and raw Tantivy; Datasette pages by key, so the
runner looks up the key of the row before the page (`_next`) once, up front.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Search:
    kind: str
    fonds: str
    raw: str
    datasette: dict[str, str] = field(default_factory=dict)
    offset: int = 0


def _fts(text: str, **filters: str) -> dict[str, str]:
    return {"_search": text, **filters} if text else dict(filters)


def _years(lo: str | None, hi: str | None) -> tuple[str, dict[str, str]]:
    """Records whose bounds overlap [lo, hi]: raw Tantivy clauses and Datasette filters."""
    lo_day = lo.replace("-", "") if lo else "0"
    hi_day = hi.replace("-", "") if hi else "99991230"
    raw = f"+earliest:[1 TO {hi_day}] +latest:[{lo_day} TO 99991230]"
    ds = {"earliest__lte": hi or "9999-12-30", "latest__gte": lo or "0001-01-01"}
    return raw, ds


def _mix() -> list[Search]:
    searches: list[Search] = []
    for word in ("soviet", "korea", "government", "president", "military", "embassy", "japan", "agreement"):
        searches.append(Search("common word", word, word, _fts(word)))
    for word in ("panmunjom", "fisheries", "reparations", "cosmonaut", "kimpo", "okinawa", "wheat", "ikeda"):
        searches.append(Search("rare word", word, word, _fts(word)))
    for a, b in (("nuclear", "test"), ("berlin", "khrushchev"), ("korea", "troops"), ("trade", "japan")):
        searches.append(Search("two words", f"{a} {b}", f"+{a} +{b}", _fts(f"{a} {b}")))
    for phrase in ("nuclear test ban", "Department of State", "Demilitarized Zone", "United Nations",
                   "Security Council", "Soviet Union"):
        searches.append(Search("phrase", f'"{phrase}"', f'"{phrase.lower()}"', _fts(f'"{phrase.lower()}"')))
    searches += [
        Search("boolean", "korea -japan", "+korea -japan", _fts("korea NOT japan")),
        Search("boolean", "(berlin OR cuba) khrushchev", "+(berlin cuba) +khrushchev", _fts("(berlin OR cuba) AND khrushchev")),
        Search("boolean", "rusk OR gromyko", "rusk gromyko", _fts("rusk OR gromyko")),
        Search("boolean", "missile AND NOT cuba", "+missile -cuba", _fts("missile NOT cuba")),
        Search("boolean", "(seoul OR pyongyang) AND rhee", "+(seoul pyongyang) +rhee", _fts("(seoul OR pyongyang) AND rhee")),
        Search("boolean", "treaty NOT soviet", "+treaty -soviet", _fts("treaty NOT soviet")),
    ]
    searches += [
        Search("person", 'person:"Kim Il Sung"', 'persons:"kim il sung"', _fts('persons : "kim il sung"')),
        Search("person", "person:Khrushchev", "persons:khrushchev", _fts("persons : khrushchev")),
        Search("person", '"Kim Il-sung"', '"kim il sung"', _fts('"kim il sung"')),
        Search("person", "Khrushchev", "khrushchev", _fts("khrushchev")),
        Search("person", 'person:"Park Chung Hee"', 'persons:"park chung hee"', _fts('persons : "park chung hee"')),
        Search("person", '"N.S. Khrushchev"', '"n s khrushchev"', _fts('"n s khrushchev"')),
    ]
    searches += [
        Search("facet", "soviet lang:ru", "+soviet +lang:ru", _fts("soviet", lang="ru")),
        Search("facet", 'repository:"Kennedy Library" berlin', '+repository:"Kennedy Library" +berlin',
               _fts("berlin", repository="Kennedy Library")),
        Search("facet", "type:Telegram seoul", "+type:Telegram +seoul", _fts("seoul", type="Telegram")),
        Search("facet", "collection:frus1961-63v06", "collection:frus1961-63v06", _fts("", volume="frus1961-63v06")),
        Search("facet", "lang:ru", "lang:ru", _fts("", lang="ru")),
        Search("facet", 'type:"Memorandum of Conversation" korea', '+type:"Memorandum of Conversation" +korea',
               _fts("korea", type="Memorandum of Conversation")),
    ]
    for fonds_query, words, lo, hi in (
        ("date:1962", "", "1962-01-01", "1962-12-31"),
        ("cuba date:1962-10..1962-11", "cuba", "1962-10-01", "1962-11-30"),
        ("japan date:..1959", "japan", None, "1959-12-31"),
        ("korea date:1965..", "korea", "1965-01-01", None),
    ):
        raw, ds = _years(lo, hi)
        searches.append(Search("date range", fonds_query, f"+{words} {raw}" if words else raw, _fts(words, **ds)))
    searches += [
        Search("deep page", "soviet", "soviet", _fts("soviet"), offset=200),
        Search("deep page", "government", "government", _fts("government"), offset=400),
    ]
    return searches


MIX: list[Search] = _mix()
assert len(MIX) == 50, len(MIX)
