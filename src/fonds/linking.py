"""Linking in text: find the authority entries a document names, and where.

The matcher is a trie over words, written here rather than a new dependency.
Every variant of every entry is folded (`romanize.fold`, then `ocr_fold`) and
all prefixes of the folded keys go into one set. One regular expression
finds the words that may start a name (capitalized ones); each word is folded
once and its keys kept for the next text. From each word whose key starts a
known prefix the matcher reads on word by word while the joined key is still
a prefix, and keeps the longest key that names an entry. A variant's words may be joined in the text by spaces, a
hyphen or, after an initial, a full stop, so `Kim Il-sung`, `Kim Il Sung`,
`Kimilsung`, `Kim II Sung` and `N. S. Khrushchev` all meet their variant.
A few dictionary look-ups per capitalized word keep it to a second or two for
thousands of documents, where a regular expression of thousands of alternatives
would not.

A full name (two words or more) links at once. A family name alone, or a
one-word variant, is resolved from the document's own people: a full mention
in the same rendition (the nearest before it), a title before it that one
candidate holds, the participants list, or, if only one entry has that family
name, that entry; a volume-wide count of full mentions breaks a clear tie.
The most common Korean family names (Kim, Yi, Pak ...) alone are never linked.
Otherwise a mention is left unlinked. A given name alone (`Walt`) links when
its bearer is named in the same text. Role words (`the Ambassador`)
link only when exactly one person of the document holds that title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Iterable, Iterator, NamedTuple

from fonds.analysis import CJK_RUN, fold_han, has_cjk
from fonds.authority import Entity
from fonds.name_lookup import NameIndex
from fonds.record import PersonLink, Record, person_link
from fonds.romanize import fold, is_common_korean_surname, ocr_fold
from fonds.name_titles import title_before, title_table
from fonds.russian_names import case_keys
from fonds.variants import complete, parse_name

SOURCE = "linked by fonds"
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
# The words of _WORD that start with A-Z or a letter beyond ASCII (lower-case ones are
# dropped after): a letter, or a letter and an apostrophe, just before the first letter
# would make it part of a longer word. Ranges first, letter tests after: twice as fast.
_NAME_WORD = re.compile(
    r"[A-Z\x80-\U0010ffff](?<=[^\W\d_])(?<![^\W\d_].)(?<![^\W\d_]['’].)[^\W\d_]*(?:['’][^\W\d_]+)*"
)
_CACHED_WORDS = 1 << 18  # word spellings remembered, per matcher and in all
_POSSESSIVE = ("'s", "’s")
# (start, end, end of the match, key, OCR key, capitalized); a possessive 's is in the match only.
Word = tuple[int, int, int, str, str, bool]
# `the Ambassador` and the like, found by what follows the T (a search for fixed text is
# fast); `_roles` checks the T and the word boundary before it.
_WORD_CHARACTER = re.compile(r"\w")
_ROLE = re.compile(
    r"he (Ambassador|President|Secretary|Premier|Chairman|Foreign Minister|Prime Minister|Chancellor|"
    r"Vice President|Under Secretary|General|Admiral)\b"
)


class Mention(NamedTuple):
    """A span of text that names one or more candidate entries. A named tuple, not a frozen
    dataclass: the matcher makes a dozen a text, and a tuple is made at a fraction of the cost."""

    start: int
    end: int
    text: str
    candidates: tuple[str, ...]
    is_full: bool  # a full name rather than a family name alone
    is_ocr: bool = False


@dataclass
class Matcher:
    """Built once from entities; finds and resolves mentions in any number of texts."""

    index: NameIndex
    full: dict[str, tuple[str, ...]]
    family: dict[str, tuple[str, ...]]
    prefixes: set[str]
    given: dict[str, tuple[str, ...]] = field(default_factory=dict)
    resolve_roles: bool = True
    priors: dict[str, int] = field(default_factory=dict)
    cjk: dict[str, tuple[str, ...]] = field(default_factory=dict)  # a CJK variant (Han simplified) -> entries
    # Spelling of a capitalized word -> its keys, or () if no name starts with it and it is no given name.
    _wanted: dict[str, tuple[int, str, str] | tuple[()]] = field(default_factory=dict, init=False, repr=False, compare=False)
    # (name's key so far, next word's spelling) -> what `_longest` reads on with (`_step`).
    _steps: dict[tuple[str, str], tuple[str, str] | tuple[()]] = field(default_factory=dict, init=False, repr=False, compare=False)
    # Entity id -> its titles, description and name in lower case, for `holds`.
    _held: dict[str, str] = field(default_factory=dict, init=False, repr=False, compare=False)

    def words(self, text: str) -> list[Word]:
        """The capitalized words of the text that may start a name or be a given name, in order."""
        wanted = self._wanted
        found: list[Word] = []
        for match in _NAME_WORD.finditer(text):
            spelling = match.group()
            keys = wanted.get(spelling)
            if keys is None:
                if len(wanted) >= _CACHED_WORDS:
                    wanted.clear()
                keys = wanted[spelling] = self._wants(spelling)
            if keys:
                start = match.start()
                found.append((start, start + keys[0], match.end(), keys[1], keys[2], True))
        return found

    def _wants(self, spelling: str) -> tuple[int, str, str] | tuple[()]:
        length, key, ocr_key, capitalized = _keys(spelling)
        if capitalized and (ocr_key in self.prefixes or ocr_key in self.given):
            return length, key, ocr_key
        for case_key in case_keys(spelling[:length]) if capitalized else ():  # `Никите` for Никита
            if ocr_fold(case_key) in self.prefixes:
                return length, case_key, ocr_fold(case_key)
        return ()

    def holds(self, entity_id: str, word: str) -> bool:
        """Whether the entry's titles, description or name include the word (lower case)."""
        text = self._held.get(entity_id)
        if text is None:
            entity = self.index.entities[entity_id]
            text = self._held[entity_id] = " ".join((*entity.titles, entity.description or "", entity.preferred)).lower()
        return word in text

    def mentions(self, text: str, words: list[Word] | None = None) -> list[Mention]:
        """Every span naming a known entry, longest match first, not overlapping."""
        words = self.words(text) if words is None else words
        found: list[Mention] = []
        prefixes = self.prefixes
        longest = self._longest
        reached = 0  # where the last mention ends: the next one starts after it
        for word in words:
            if word[0] < reached or word[4] not in prefixes:
                continue
            best = longest(text, word)
            if best is None:
                continue
            end, key, is_full = best
            candidates = self.full[key] if is_full else self.family[key]
            found.append(Mention(word[0], end, text[word[0]:end], candidates, is_full, False))
            reached = end
        return found

    def _longest(self, text: str, first: Word) -> tuple[int, str, bool] | None:
        """From a capitalized word whose key is a prefix: (end, key, is_full) of the longest name.

        The words after it are read while the joined key is still a prefix of a name; the
        common case (one space, a word whose joined key is no prefix) is tried with a few
        dictionary look-ups before any function call (`_next_word`, `_joins`, `_case_keys`)."""
        prefixes, full, family = self.prefixes, self.full, self.family
        raw, joined = first[3], first[4]
        best: tuple[int, str, bool] | None = None
        if joined in full and joined not in family:
            best = (first[1], joined, True)
        elif joined in family:
            best = (first[1], joined, False)
        word = first
        search = _WORD.search
        steps = self._steps
        for _ in range(7):
            match = search(text, word[2])
            if match is None:
                break
            spelling = match.group()
            keys = _KEYS.get(spelling) or _keys(spelling)
            start = match.start()
            between = text[word[1]:start]
            if between != " " and not _joins(between, word[1] - word[0]):
                break
            step = steps.get((raw, spelling))
            if step is None:
                step = self._step(raw, spelling, text[start:start + keys[0]])
            if not step:
                break
            joined, following_key = step
            raw += following_key
            word = (start, start + keys[0], match.end(), following_key, "", keys[3])
            if not keys[3] and between != "-":
                continue
            if joined in full:
                best = (word[1], joined, True)
            elif joined in family:
                best = (word[1], joined, False)
        return best

    def _step(self, raw: str, spelling: str, stem: str) -> tuple[str, str] | tuple[()]:
        """For `_longest`: (joined key, the next word's key) if the name read so far (`raw`, its
        words' keys joined) may go on with the word `spelling` (`stem`: without a possessive 's),
        else (); worked out once per pair."""
        following_key = _keys(spelling)[1]
        joined = ocr_fold(raw + following_key)
        step: tuple[str, str] | tuple[()] = (joined, following_key)
        if joined not in self.prefixes:  # a Russian name in another case: `Сергеевичу` for Сергеевич
            case_key = next((k for k in case_keys(stem) if ocr_fold(raw + k) in self.prefixes), None)
            step = () if case_key is None else (ocr_fold(raw + case_key), case_key)
        if len(self._steps) >= _CACHED_WORDS:
            self._steps.clear()
        self._steps[raw, spelling] = step
        return step


def _next_word(text: str, position: int) -> Word | None:
    """The first word at or after `position` (the end of a word's match), capitalized or not."""
    match = _WORD.search(text, position)
    if match is None:
        return None
    length, key, ocr_key, capitalized = _keys(match.group())
    start = match.start()
    return start, start + length, match.end(), key, ocr_key, capitalized


_KEYS: dict[str, tuple[int, str, str, bool]] = {}


def _keys(word: str) -> tuple[int, str, str, bool]:
    """(length without a possessive 's, key, OCR key, capitalized) of a word, worked out once."""
    found = _KEYS.get(word)
    if found is None:
        if len(_KEYS) >= _CACHED_WORDS:
            _KEYS.clear()
        stem = word[:-2] if word[-2:] in _POSSESSIVE else word
        key = fold(stem)
        found = _KEYS[word] = (len(stem), key, ocr_fold(key), _capitalized(stem))
    return found


def _joins(between: str, previous_length: int) -> bool:
    """Whether two words may belong to one name: a space, a hyphen, or a full stop after an initial."""
    if between in (" ", "-", "\n") or (between.isspace() and len(between) < 40):
        return True
    if between.strip() == "." and previous_length <= 2:
        return True
    return between == "" and previous_length <= 2


def _capitalized(word: str) -> bool:
    first = word[:1]
    return first.isupper() or not first.islower()


def build_matcher(entities: Iterable[Entity], *, generated: bool = False, resolve_roles: bool = True) -> Matcher:
    """A matcher for the entities, with their generated variants (pass generated=True if already added)."""
    done = tuple(entities) if generated else complete(entities)
    index = NameIndex(done, generated=True)
    full: dict[str, set[str]] = {}
    family: dict[str, set[str]] = {}
    for entity in done:
        for name in (entity.preferred, *(v.name for v in entity.variants if v.kind != "surname with title")):
            if "," in name:
                continue
            key = ocr_fold(fold(name))
            if not key:
                continue
            words = _WORD.findall(name)
            target = full if len(words) > 1 else family
            target.setdefault(key, set()).add(entity.id)
    for key, ids in index.family.items():
        family.setdefault(ocr_fold(key), set()).update(ids)
    given: dict[str, set[str]] = {}
    for entity in done:
        parsed = parse_name(entity.preferred)[0] if not entity.family else None
        first = (entity.given or (parsed.given if parsed and not parsed.eastern else "")).split()
        if entity.language in ("ko", "zh", "ja") or not first or len(first[0].rstrip(".")) < 3:
            continue
        given.setdefault(ocr_fold(fold(first[0])), set()).add(entity.id)
    cjk: dict[str, set[str]] = {}
    for entity in done:
        for name in (entity.preferred, *(v.name for v in entity.variants)):
            spelled = "".join(fold_han(name).split())
            if len(spelled) >= 2 and all(CJK_RUN.fullmatch(c) for c in spelled):
                cjk.setdefault(spelled, set()).add(entity.id)
    prefixes = {key[:n] for key in (*full, *family) for n in range(1, len(key) + 1)}
    return Matcher(
        index=index,
        full={k: tuple(sorted(v)) for k, v in full.items()},
        family={k: tuple(sorted(v)) for k, v in family.items()},
        prefixes=prefixes,
        given={k: tuple(sorted(v)) for k, v in given.items() if k not in family},
        resolve_roles=resolve_roles,
        cjk={k: tuple(sorted(v)) for k, v in cjk.items()},
    )


def names_any(matcher: Matcher, text: str) -> bool:
    """Whether the text holds anything the matcher could link: a name (any of its spellings,
    Russian case forms and OCR slips included, as `Matcher.mentions` finds them), a given name,
    or a name in CJK script. With a matcher built from a few entries, this finds the texts
    whose links those entries could change (convergence.relink)."""
    words = matcher.words(text)
    if matcher.mentions(text, words) or any(word[4] in matcher.given for word in words):
        return True
    if matcher.cjk and has_cjk(text):
        pattern = _cjk_pattern(tuple(matcher.cjk))
        return bool(pattern.search(fold_han(text)) or pattern.search(text))
    return False


# Resolving ------------------------------------------------------------------


def link_text(text: str, matcher: Matcher, *, participants: Iterable[str] = (), rendition: int | None = None) -> list[PersonLink]:
    """Person links for one text: full names, then family names resolved from the text's own people."""
    return _link_text(text, matcher, _participants(participants, matcher), rendition)


def _link_text(text: str, matcher: Matcher, present: set[str], rendition: int | None) -> list[PersonLink]:
    words = matcher.words(text)
    mentions = matcher.mentions(text, words)
    full_at: list[tuple[int, str]] = [(m.start, m.candidates[0]) for m in mentions if m.is_full and len(m.candidates) == 1]
    in_text = {entity_id for _, entity_id in full_at}
    links: list[PersonLink] = []
    for mention in mentions:
        chosen = _resolve(mention, text, matcher, full_at, in_text, present)
        if chosen is None:
            continue
        entity_id, confidence, rule = chosen
        links.append(_link(matcher, entity_id, mention.text, mention.start, mention.end, confidence, rendition, rule))
    links.extend(_cjk_links(text, matcher, mentions, rendition))
    links.extend(_given_name_links(text, words, matcher, links, rendition))
    if matcher.resolve_roles:
        links.extend(_role_links(text, matcher, links, present, rendition))
    return links


def _cjk_links(text: str, matcher: Matcher, mentions: list[Mention], rendition: int | None) -> list[PersonLink]:
    """Names in Chinese, Japanese or Korean script found inside longer runs, where no spaces part
    the words (`…拜会金日成首相`, `김일성은`): every variant in CJK script is looked for as it stands,
    Han folded to simplified on both sides. A full name of one entry links (0.95)."""
    if not matcher.cjk or not has_cjk(text):
        return []
    folded = fold_han(text)
    if len(folded) != len(text):
        folded = text
    taken = [(m.start, m.end) for m in mentions]
    links = []
    for found in _cjk_pattern(tuple(matcher.cjk)).finditer(folded):
        start, end = found.span()
        ids = matcher.cjk[found.group()]
        if len(ids) != 1 or any(start < e and s < end for s, e in taken):
            continue
        links.append(_link(matcher, ids[0], text[start:end], start, end, 0.95, rendition, "name in its own script"))
    return links


@cache
def _cjk_pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))


def _given_name_links(
    text: str, words: list[Word], matcher: Matcher, links: list[PersonLink], rendition: int | None
) -> list[PersonLink]:
    """`Walt` for Walt Rostow: a given name alone, when its bearer is named in the same text."""
    people = {link.id for link in links}
    taken = [(link.start or 0, link.end or 0) for link in links]
    found = []
    given = matcher.given
    for start, end, _, _, ocr_key, capitalized in words:
        bearers = given.get(ocr_key)
        if not bearers:
            continue
        ids = [i for i in bearers if i in people]
        word = text[start:end]
        if len(ids) != 1 or not capitalized or word.isupper():
            continue
        after = text[end:end + 3]
        if any(s < end and start < e for s, e in taken) or (after[:1] == " " and after[1:2].isupper()):
            continue
        found.append(_link(matcher, ids[0], text[start:end], start, end, 0.6, rendition, "given name; bearer in the text"))
    return found


def _resolve(
    mention: Mention,
    text: str,
    matcher: Matcher,
    full_at: list[tuple[int, str]],
    in_text: set[str],
    present: set[str],
) -> tuple[str, float, str] | None:
    candidates = mention.candidates
    if mention.is_full and len(candidates) == 1:
        return candidates[0], 0.95, "full name"
    candidates = _title_allows(mention, text, matcher, candidates)
    if not candidates:
        return None
    if not mention.is_full and is_common_korean_surname(mention.text):
        # Kim, Pak, Yi ... alone name no one in particular; FRUS leaves them unlinked too.
        return None
    mentioned = [c for c in candidates if c in in_text]
    if len(mentioned) == 1:
        return mentioned[0], 0.85, "family name; full name in the text"
    if mentioned:
        before = [entity_id for start, entity_id in full_at if start < mention.start and entity_id in mentioned]
        return (before[-1] if before else mentioned[0]), 0.7, "family name; nearest full name before"
    titled = _by_title(mention, text, matcher, candidates)
    if titled:
        return titled, 0.8, "family name; title before it"
    attending = [c for c in candidates if c in present]
    if len(attending) == 1:
        return attending[0], 0.8, "family name; participant"
    if len(candidates) == 1:
        return candidates[0], (0.75 if mention.is_full else 0.7), "only entry with this name"
    ranked = sorted(candidates, key=lambda c: matcher.priors.get(c, 0), reverse=True)
    first, second = (matcher.priors.get(c, 0) for c in ranked[:2])
    if first >= 3 and first >= 3 * second:
        return ranked[0], 0.5, "most often named in the volume"
    return None


def _title_allows(mention: Mention, text: str, matcher: Matcher, candidates: tuple[str, ...]) -> tuple[str, ...]:
    """Drop the candidates a rank or office before the name rules out: `President Johnson` is not U. Alexis Johnson."""
    before = text[max(0, mention.start - 40):mention.start].rstrip()
    place = title_before(before, any_case=False, rank=True)
    if place is None:
        return candidates
    word = title_table()[place][2]
    holders = tuple(c for c in candidates if matcher.holds(c, word))
    # A title chooses between candidates; descriptions are too short for it to rule out the only one.
    return holders or candidates


def _by_title(mention: Mention, text: str, matcher: Matcher, candidates: tuple[str, ...]) -> str | None:
    before = text[max(0, mention.start - 40):mention.start].rstrip()
    place = title_before(before, any_case=True, rank=False)
    if place is None:
        return None
    word = title_table()[place][2]
    holders = [c for c in candidates if matcher.holds(c, word)]
    return holders[0] if len(holders) == 1 else None


def _participants(participants: Iterable[str], matcher: Matcher) -> set[str]:
    present: set[str] = set()
    for line in participants:
        for mention in matcher.mentions(line):
            if len(mention.candidates) == 1:
                present.add(mention.candidates[0])
    return present


def _role_links(
    text: str, matcher: Matcher, links: list[PersonLink], present: set[str], rendition: int | None
) -> list[PersonLink]:
    people = {link.id for link in links} | present
    found: list[PersonLink] = []
    if not people:
        return found
    for start, end, role in _roles(text):
        word = role.split()[-1].lower()
        holders = [p for p in people if matcher.holds(p, word)]
        if len(holders) == 1:
            found.append(_link(matcher, holders[0], text[start:end], start, end, 0.5, rendition, "role word; one holder"))
    return found


def _roles(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, role) of each `the Ambassador`, `The President` ... that starts a word."""
    for match in _ROLE.finditer(text):
        start = match.start() - 1
        if start >= 0 and text[start] in "Tt" and (start == 0 or not _WORD_CHARACTER.match(text, start - 1)):
            yield start, match.end(), match.group(1)


def _link(
    matcher: Matcher, entity_id: str, text: str, start: int, end: int, confidence: float, rendition: int | None,
    rule: str,
) -> PersonLink:
    return person_link(entity_id, matcher.index.entities[entity_id].preferred, "mentioned", SOURCE, confidence, rule,
                       text, start, end, rendition)


def link_record(record: Record, matcher: Matcher) -> Record:
    """The record with links for the persons its renditions name; encoded links are kept, never repeated."""
    existing = list(record.persons)
    added: list[PersonLink] = []
    present = _participants(record.participants, matcher)
    for number, rendition in enumerate(record.renditions):
        for link in _link_text(rendition.text, matcher, present, number):
            if not any(_same_link(link, other) for other in existing):
                added.append(link)
    for entity_id in sorted(present):
        link = person_link(entity_id, matcher.index.entities[entity_id].preferred, "participant", SOURCE, 0.9,
                           "participants list", None, None, None, None)
        if not any(other.id == entity_id and other.role == "participant" for other in existing):
            added.append(link)
    return record.with_persons(tuple(existing + added))


def _same_link(new: PersonLink, old: PersonLink) -> bool:
    if old.start is None or new.start is None or old.end is None or new.end is None:
        return False
    return old.rendition == new.rendition and old.start < new.end and new.start < old.end
