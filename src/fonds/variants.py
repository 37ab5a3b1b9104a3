"""Name variants: every spelling of one person, generated from rules and tables.

`generate(entity)` gives the variants fonds derives for an authority entry:
romanizations from Hangul, Pinyin and Cyrillic (tables in `fonds/data/`),
initials, given name and patronymic, surname with title, hyphen and space
forms and OCR slips. Each variant says its kind and the rule it came from.

Looking a spelling up among the variants is name_lookup.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache
from typing import Iterable, Iterator

from fonds.authority import Entity, Variant, load_curated, normalize
from fonds.romanize import (
    KOREAN_SYSTEMS,
    cyrillize_korean,
    RUSSIAN_SCHEMES,
    fold,
    is_cyrillic,
    is_hangul,
    is_korean_surname,
    korean_readings,
    korean_surname,
    ocr_slips,
    pinyin_name,
    read_table,
    romanize_korean,
    strip_diacritics,
    transliterate_russian,
    wade_giles_name,
)

SUFFIXES = ("Jr.", "Jr", "Sr.", "II", "III", "IV")
_INITIAL = re.compile(r"^[A-Z]\.?$")
_KOREAN_KIND = {"rr": "Revised Romanization", "mr": "McCune-Reischauer", "mr-plain": "McCune-Reischauer", "mr-u": "McCune-Reischauer"}


@dataclass(frozen=True)
class ParsedName:
    """A printed name split into parts: `Booth, Lieutenant General Donald P.` or `Kim Il-sung`."""

    family: str
    given: str = ""
    titles: tuple[str, ...] = ()
    suffix: str = ""
    eastern: bool = False  # family name first, as in Korean, Chinese and Japanese usage


@cache
def titles() -> tuple[str, ...]:
    """Known titles, longest first, so that `Lieutenant General` wins over `General`."""
    return tuple(sorted((row[0] for row in read_table("titles.tsv")), key=len, reverse=True))


@cache
def read_title_kinds() -> dict[str, str]:
    """Title -> its kind in `titles.tsv`: address, honorific, military or office."""
    return {row[0]: row[1] for row in read_table("titles.tsv")}


@cache
def _nicknames() -> dict[str, tuple[str, ...]]:
    return {row[0]: tuple(row[1].split(",")) for row in read_table("nicknames.tsv")}


@cache
def _russian_given() -> dict[str, str]:
    """Folded Latin spelling (any scheme) of a Russian given name -> the name in Cyrillic."""
    names: dict[str, str] = {}
    for row in read_table("russian_given_names.tsv"):
        for scheme in RUSSIAN_SCHEMES:
            names.setdefault(fold(transliterate_russian(row[0], scheme)), row[0])
        # The usual English shortening of -iy: Yuri, Georgi, Vasili.
        names.setdefault(re.sub("iy$", "i", fold(transliterate_russian(row[0], "bgn"))), row[0])
    return names


def _strip_titles(text: str) -> tuple[str, tuple[str, ...]]:
    found: list[str] = []
    changed = True
    while changed:
        changed = False
        for title in titles():
            if text == title or text.startswith(title + " "):
                found.append(title)
                text = text[len(title):].strip()
                changed = True
                break
    return text, tuple(found)


def _looks_eastern(tokens: list[str]) -> bool:
    return len(tokens) > 1 and (is_korean_surname(tokens[0]) or any("-" in t for t in tokens[1:]))


def parse_name(text: str) -> list[ParsedName]:
    """Parse a persons-list name; alternates in parentheses give more than one reading.

    `Cho Bong-am (Cho Pong-am)` gives two eastern names; `Zhukov, Georgi (Yuri) A.`
    gives Georgi A. and Yuri A.; `Home, Alexander Frederick Douglas (Lord)` a title.
    """
    text = " ".join(text.split())
    alternates = re.findall(r"\(([^)]*)\)", text)
    base = re.sub(r"\s*\([^)]*\)", "", text).strip(" ,")
    extra_titles: list[str] = []
    names: list[ParsedName] = []
    alternate_given: list[str] = []
    for alternate in alternates:
        pieces = [p.strip() for p in alternate.split(",") if p.strip()]
        if alternate.strip() in titles():
            extra_titles.append(alternate.strip())
        elif len(pieces) > 1 and all(len(p.split()) > 1 for p in pieces):
            names.extend(_parse_one(p) for p in pieces)
        elif len(alternate.split()) > 1 or "," in alternate:
            names.append(_parse_one(alternate))
        else:
            alternate_given.append(alternate.strip())
    first = _parse_one(base)
    first = replace(first, titles=first.titles + tuple(extra_titles))
    readings = [first]
    for given in alternate_given:
        rest = first.given.split()[1:]
        readings.append(replace(first, given=" ".join([given, *rest])))
    return readings + [replace(n, titles=n.titles or first.titles) for n in names]


def _parse_one(text: str) -> ParsedName:
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts:
        return ParsedName(family=text)
    head_tokens = parts[0].split()
    suffix = ""
    title_list: list[str] = []
    given_parts: list[str] = []
    for part in parts[1:]:
        stripped, found = _strip_titles(part)
        title_list.extend(found)
        if stripped in SUFFIXES:
            suffix = stripped
        elif stripped:
            given_parts.append(stripped)
    given = " ".join(given_parts)
    if given.split()[-1:] and given.split()[-1] in SUFFIXES and len(given.split()) > 1:
        given, suffix = given.rsplit(" ", 1)
    if len(parts) == 1 or (len(head_tokens) > 1 and _looks_eastern(head_tokens)):
        stripped, found = _strip_titles(parts[0])
        title_list.extend(found)
        tokens = stripped.split()
        if len(tokens) == 1:
            return ParsedName(family=tokens[0], titles=tuple(title_list), suffix=suffix)
        if _INITIAL.match(tokens[-1]) and not _looks_eastern(tokens):
            return ParsedName(tokens[0], " ".join(tokens[1:]), tuple(title_list), suffix)
        if _looks_eastern(tokens):
            return ParsedName(tokens[0], " ".join(tokens[1:]), tuple(title_list), suffix, eastern=True)
        if tokens[-1] in SUFFIXES:
            suffix, tokens = tokens[-1], tokens[:-1]
        return ParsedName(tokens[-1], " ".join(tokens[:-1]), tuple(title_list), suffix)
    eastern = is_korean_surname(parts[0]) and bool(given) and not _INITIAL.match(given.split()[-1])
    return ParsedName(parts[0], given, tuple(title_list), suffix, eastern=eastern)


# Generation -----------------------------------------------------------------


class _Collector:
    """Variants in the order found, without repeats of a name already known."""

    def __init__(self, entity: Entity) -> None:
        self.known = {normalize(entity.preferred)} | {normalize(v.name) for v in entity.variants}
        # Printed forms that a rule also explains: the rule's kind is the more telling one.
        self.printed = {normalize(v.name) for v in entity.variants if v.kind == "printed form"}
        self.found: list[Variant] = []

    def add(self, name: str, kind: str, source: str) -> None:
        name = normalize(name)
        if name in self.printed and kind not in ("printed form", "OCR slip"):
            self.printed.discard(name)
            self.found.append(Variant(name, kind, source))
        elif name and name not in self.known:
            self.known.add(name)
            self.found.append(Variant(name, kind, source))


def generate(entity: Entity) -> tuple[Variant, ...]:
    """Every variant fonds derives for an entry from rules and tables, each with its kind and source."""
    out = _Collector(entity)
    readings = _readings(entity)
    for parsed in readings:
        _name_forms(parsed, out)
    for variant in entity.variants:
        if variant.kind == "original script" and is_hangul(variant.name):
            _korean_from_hangul(variant.name, out)
        elif variant.kind == "original script" and is_cyrillic(variant.name) and entity.language == "ru":
            _russian_from_cyrillic(variant.name, out)
        elif variant.kind == "original script" and is_cyrillic(variant.name):
            for scheme, label in RUSSIAN_SCHEMES.items():
                latin = strip_diacritics(transliterate_russian(variant.name, scheme))
                out.add(latin, f"Russian transliteration: {label}", f"rule: {label} from {variant.name}")
        elif variant.kind == "Pinyin":
            _chinese_from_pinyin(variant.name, out)
    if entity.language == "zh" and not any(v.kind == "Pinyin" for v in entity.variants):
        _chinese_from_pinyin(entity.preferred, out)
    for parsed in readings:
        if parsed.eastern and not any(is_hangul(v.name) for v in entity.variants):
            _korean_from_romanized(parsed, out)
        _russian_given_names(parsed, out)
    family = readings[0].family
    for title in dict.fromkeys(entity.titles + tuple(t for p in readings for t in p.titles)):
        out.add(f"{title} {family}", "surname with title", f"rule: {title} before the family name")
    _spacing_forms(entity, out)
    _ocr_forms(entity, out)
    return tuple(out.found)


def _readings(entity: Entity) -> list[ParsedName]:
    if entity.family:
        eastern = entity.language in ("ko", "zh", "ja")
        return [ParsedName(entity.family, entity.given or "", entity.titles, eastern=eastern)]
    return parse_name(entity.preferred)


def _name_forms(parsed: ParsedName, out: _Collector) -> None:
    family, given = parsed.family, parsed.given
    if not given:
        return
    if parsed.eastern:
        out.add(f"{family} {given}", "printed form", "rule: family name first")
        out.add(f"{given} {family}", "printed form", "rule: given name before family name")
        return
    tokens = given.split()
    full = f"{given} {family}"
    out.add(full, "printed form", "rule: given name before family name")
    if parsed.suffix:
        out.add(f"{full} {parsed.suffix}", "printed form", "rule: name with suffix")
        out.add(f"{full}, {parsed.suffix}", "printed form", "rule: name with suffix")
    words = [t for t in tokens if not _INITIAL.match(t)]
    if words and len(words) < len(tokens):
        out.add(f"{' '.join(words)} {family}", "printed form", "rule: given name without initials")
    if words:
        out.add(f"{words[0]} {family}", "printed form", "rule: first given name")
        for nickname in _nicknames().get(words[0], ()):
            out.add(f"{nickname} {family}", "printed form", f"rule: {nickname} for {words[0]} (fonds/data/nicknames.tsv)")
    initials = [t[0] for t in tokens if t[:1].isalpha()]
    if initials:
        out.add(f"{initials[0]}. {family}", "initials", "rule: initial of the first given name")
        if len(initials) > 1:
            out.add(f"{'.'.join(initials)}. {family}", "initials", "rule: initials of the given names")
            out.add(f"{'. '.join(initials)}. {family}", "initials", "rule: initials of the given names, spaced")


def _korean_from_hangul(hangul: str, out: _Collector) -> None:
    family_hangul, given_hangul = hangul[0], hangul[1:]
    rr, mr, customary = korean_surname(family_hangul)
    for system, label in KOREAN_SYSTEMS.items():
        given = romanize_korean(given_hangul, system)
        kind = _KOREAN_KIND[system]
        for family in dict.fromkeys([rr if system == "rr" else mr, *customary[:1]]):
            if system == "mr-plain" or system == "mr-u":
                family = strip_diacritics(family).replace("'", "")
            out.add(f"{family} {given}", kind, f"rule: {label} from Hangul {hangul}")
    family_cyrillic, given_cyrillic = "".join(cyrillize_korean(family_hangul)), cyrillize_korean(given_hangul)
    if family_cyrillic and given_cyrillic:  # as Russian texts write it: Пак Сон Чхоль, Пак Сончхоль
        joined = given_cyrillic[0] + "".join(s.lower() for s in given_cyrillic[1:])
        for given in dict.fromkeys((" ".join(given_cyrillic), joined)):
            out.add(f"{family_cyrillic} {given}", "Russian transliteration: Kontsevich", f"rule: Kontsevich from Hangul {hangul}")


def _korean_from_romanized(parsed: ParsedName, out: _Collector) -> None:
    """Other romanizations of a romanized Korean name, read back through the syllable tables."""
    syllables = [s for s in re.split(r"[-\s]+", parsed.given) if s]
    if not syllables or not is_korean_surname(parsed.family):
        return
    options: list[list[str]] = [[]]
    for syllable in syllables:
        readings = sorted(korean_readings(syllable))
        if not readings:
            return
        options = [o + [r] for o in options for r in readings]
        if len(options) > 8:
            return
    for hangul in options:
        for system in ("rr", "mr-plain"):
            given = romanize_korean("".join(hangul), system)
            kind = _KOREAN_KIND[system]
            out.add(f"{parsed.family} {given}", kind, f"rule: {KOREAN_SYSTEMS[system]}, read back from {parsed.given}")


def _russian_from_cyrillic(cyrillic: str, out: _Collector) -> None:
    parts = cyrillic.split()
    family = parts[-1]
    given = parts[0] if len(parts) > 1 else ""
    patronymic = parts[1] if len(parts) > 2 else ""
    for scheme, label in RUSSIAN_SCHEMES.items():
        kind = f"Russian transliteration: {label}"
        for strip in (False, True):
            def latin(text: str) -> str:
                result = transliterate_russian(text, scheme)
                return strip_diacritics(result) if strip else result
            source = f"rule: {label}{' without diacritics' if strip else ''} from {cyrillic}"
            out.add(latin(family), kind, source)
            if given:
                out.add(f"{latin(given)} {latin(family)}", kind, source)
            if patronymic:
                out.add(f"{latin(given)} {latin(patronymic)} {latin(family)}", kind, source)
                out.add(f"{latin(given)} {latin(patronymic)}", "given name and patronymic", source)
                initials = f"{latin(given)[0]}.{latin(patronymic)[0]}."
                out.add(f"{initials} {latin(family)}", "initials", source)
                out.add(f"{initials.replace('.', '. ').strip()} {latin(family)}", "initials", source)
            if given:
                out.add(f"{latin(given)[0]}. {latin(family)}", "initials", source)
    out.add(family, "original script", f"rule: family name from {cyrillic}")
    if "ё" in cyrillic:
        out.add(family.replace("ё", "е"), "original script", "rule: ё written е")
    if given:
        out.add(f"{given} {family}", "original script", f"rule: given and family name from {cyrillic}")


def _russian_given_names(parsed: ParsedName, out: _Collector) -> None:
    """`Anatoli F. Dobrynin` -> Anatoly, Anatoliy, Anatolij ... when the given name is a Russian one."""
    tokens = parsed.given.split()
    if not tokens or parsed.eastern:
        return
    cyrillic = _russian_given().get(fold(tokens[0]))
    if cyrillic is None:
        return
    rest = " ".join(tokens[1:])
    spellings = {label: strip_diacritics(transliterate_russian(cyrillic, scheme)) for scheme, label in RUSSIAN_SCHEMES.items()}
    spellings["BGN/PCGN, -iy shortened to -i"] = re.sub("iy$", "i", spellings["BGN/PCGN"])
    for label, spelling in spellings.items():
        kind = f"Russian transliteration: {label.split(',')[0]}"
        source = f"rule: {label} spelling of {cyrillic}"
        out.add(f"{spelling} {parsed.family}", kind, source)
        if rest:
            out.add(f"{spelling} {rest} {parsed.family}", kind, source)


def _chinese_from_pinyin(pinyin: str, out: _Collector) -> None:
    joined = pinyin_name(pinyin)
    if joined:
        out.add(joined, "Pinyin", "rule: Pinyin, given name as one word")
    for apostrophes in (True, False):
        wade_giles = wade_giles_name(pinyin, apostrophes=apostrophes)
        if wade_giles:
            note = "" if apostrophes else " without apostrophes"
            out.add(wade_giles, "Wade-Giles", f"rule: Wade-Giles{note} from Pinyin (fonds/data/chinese_syllables.tsv)")


def _spacing_forms(entity: Entity, out: _Collector) -> None:
    for name in [entity.preferred, *(v.name for v in out.found), *(v.name for v in entity.variants)]:
        if "-" in name and not is_hangul(name):
            head, _, tail = name.rpartition(" ")
            if "-" in tail:
                spaced = " ".join(p[:1].upper() + p[1:] for p in tail.split("-"))
                out.add(f"{head} {spaced}".strip(), "hyphen/space form", f"rule: hyphen written as a space in {name}")
                joined = tail.replace("-", "")
                out.add(f"{head} {joined}".strip(), "hyphen/space form", f"rule: hyphen dropped in {name}")


def _ocr_forms(entity: Entity, out: _Collector) -> None:
    printed = [v.name for v in (*entity.variants, *out.found) if v.kind == "printed form"]
    for base in [entity.preferred, *printed[:2]]:
        if len(base.split()) < 2:
            continue
        for slipped, note in ocr_slips(base):
            out.add(slipped, "OCR slip", f"rule: OCR slip for {base} ({note})")


def with_generated(entity: Entity) -> Entity:
    """The entity with its generated variants added; a printed form a rule explains takes the rule's kind."""
    generated = generate(entity)
    explained = {v.name: v for v in generated}
    kept = []
    for variant in entity.variants:
        rule = explained.get(variant.name) if variant.kind == "printed form" else None
        if rule is not None:
            variant = Variant(variant.name, rule.kind, f"{variant.source}; {rule.source}")
        kept.append(variant)
    known = {v.name for v in kept}
    return replace(entity, variants=tuple(kept) + tuple(v for v in generated if v.name not in known))


def complete(entities: Iterable[Entity]) -> tuple[Entity, ...]:
    """The entities with their generated variants added."""
    return tuple(with_generated(e) for e in entities)


def merge_curated(entities: Iterable[Entity], curated: Iterable[Entity] | None = None) -> tuple[Entity, ...]:
    """Add a curated entry's variants to each entity that names the same person.

    Two entries are the same person when a full name (two words or more) of one
    folds to a full name of the other: `Khrushchev, Nikita S.` and the curated
    Nikita Khrushchev share `Nikita Khrushchev`.
    """
    curated_index: dict[str, Entity] = {}
    for entry in complete(curated if curated is not None else load_curated()):
        for name in _full_names(entry):
            curated_index.setdefault(fold(name), entry)
    merged = []
    for entity in entities:
        generated = with_generated(entity)
        match = next((curated_index[k] for k in map(fold, _full_names(generated)) if k in curated_index), None)
        if match is None:
            merged.append(entity)
            continue
        source = f"curated: {match.id}"
        extra = [Variant(match.preferred, "printed form", source)]
        extra += [Variant(v.name, v.kind, v.source or source) for v in match.variants]
        merged.append(replace(entity.with_variants(tuple(extra)), titles=entity.titles or match.titles,
                              language=entity.language or match.language, sources=entity.sources + (source,)))
    return tuple(merged)


def _full_names(entity: Entity) -> Iterator[str]:
    for name in (entity.preferred, *(v.name for v in entity.variants)):
        if len(name.split()) > 1 and "," not in name and not name.split()[0] in titles():
            yield name
