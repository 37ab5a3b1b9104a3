"""Romanization tables and the functions that apply them.

The tables are facts, kept as data files in `fonds/data/`:

- `korean_jamo.tsv`: the initial, medial and final jamo of Hangul in Revised
  Romanization and McCune-Reischauer; every one of the 11,172 syllables is
  built from them, as Unicode builds them.
- `korean_surnames.tsv`: family names, which keep customary spellings (Park, Rhee).
- `chinese_syllables.tsv`: every Mandarin syllable in Pinyin and Wade-Giles.
- `russian_letters.tsv`, `russian_endings.tsv`: Cyrillic in five schemes.
- `ocr_confusions.tsv`: letters that typing and OCR mix up.

`fold` turns any spelling into the key names are compared by: case, accents,
hyphens, spaces and apostrophes go; Hangul goes through our own tables and
other scripts through anyascii. `ocr_fold` also merges the OCR confusions.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from importlib.resources import files

from anyascii import anyascii

HANGUL_FIRST = 0xAC00
HANGUL_LAST = 0xD7A3

KOREAN_SYSTEMS = {
    "rr": "Revised Romanization",
    "mr": "McCune-Reischauer",
    "mr-plain": "McCune-Reischauer without diacritics",
    "mr-u": "McCune-Reischauer without diacritics, ŏ written u",
}

RUSSIAN_SCHEMES = {
    "bgn": "BGN/PCGN",
    "loc": "Library of Congress",
    "duden": "German (Duden)",
    "french": "French",
    "phonetic": "English phonetic, ё as yo",
}

_VOWELS_CYRILLIC = set("аеёиоуыэюяъь")
_SIBILANTS_CYRILLIC = set("жчшщ")


def read_table(name: str) -> list[list[str]]:
    """The rows of a data file in `fonds/data/`, without comments and blank lines."""
    text = files("fonds").joinpath("data", name).read_text(encoding="utf-8")
    rows = []
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append(line.split("\t"))
    return rows


def strip_diacritics(text: str) -> str:
    """`Sŏng` -> `Song`, `Khrushchëv` -> `Khrushchev`; tie bars and primes go too."""
    decomposed = unicodedata.normalize("NFD", text)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", kept.replace("ʹ", "").replace("ʺ", "").replace("’", "").replace("”", ""))


# Korean ---------------------------------------------------------------------


@cache
def _jamo() -> dict[str, list[tuple[str, str, str, str]]]:
    table: dict[str, list[tuple[str, str, str, str]]] = {"initial": [], "medial": [], "final": []}
    for row in read_table("korean_jamo.tsv"):
        row = row + [""] * (5 - len(row))
        table[row[0]].append((row[1], row[2], row[3], row[4]))
    return table


@cache
def _korean_surnames() -> dict[str, tuple[str, str, tuple[str, ...]]]:
    return {row[0]: (row[1], row[2], tuple(row[3].split(","))) for row in read_table("korean_surnames.tsv")}


@cache
def _common_korean_surnames() -> frozenset[str]:
    keys: set[str] = set()
    for row in read_table("korean_surnames.tsv"):
        if len(row) > 4 and row[4] == "common":
            keys.update(fold(name) for name in (row[1], row[2], *row[3].split(",")))
    return frozenset(keys)


def is_common_korean_surname(name: str) -> bool:
    """Kim, Yi/Lee, Pak/Park, Ch'oe/Choi ...: family names that alone name no one in particular."""
    return fold(name) in _common_korean_surnames()


def is_hangul(text: str) -> bool:
    return any(HANGUL_FIRST <= ord(c) <= HANGUL_LAST for c in text)


def _split_syllable(syllable: str) -> tuple[int, int, int]:
    code = ord(syllable) - HANGUL_FIRST
    return code // 588, (code % 588) // 28, code % 28


def romanize_korean(word: str, system: str, *, hyphen: bool = True) -> str:
    """Romanize a Korean given name or word syllable by syllable: 일성 -> Il-seong (rr), Il-sŏng (mr).

    McCune-Reischauer voices k, t, p, ch between voiced sounds (용건 -> Yong-gŏn).
    `system` is one of KOREAN_SYSTEMS.
    """
    jamo = _jamo()
    parts: list[str] = []
    previous_final = -1
    for char in word:
        if not HANGUL_FIRST <= ord(char) <= HANGUL_LAST:
            continue
        i, m, f = _split_syllable(char)
        initial, medial, final = jamo["initial"][i], jamo["medial"][m], jamo["final"][f]
        if system == "rr":
            part = initial[1] + medial[1] + final[1]
        else:
            voiced = previous_final == 0 or (previous_final > 0 and jamo["final"][previous_final][1] in ("n", "l", "m", "ng"))
            part = (initial[3] if voiced else initial[2]) + medial[2] + final[2]
            if initial[0] == "ㅅ" and medial[0] in ("ㅣ", "ㅟ"):
                part = "sh" + part[1:]
            if system == "mr-u":
                part = part.replace("ŏ", "u")
            if system in ("mr-plain", "mr-u"):
                part = strip_diacritics(part).replace("'", "")
        parts.append(part)
        previous_final = f
    joined = ("-" if hyphen else "").join(parts)
    return joined[:1].upper() + joined[1:]


@cache
def _jamo_cyrillic() -> dict[str, list[str]]:
    table: dict[str, list[str]] = {"initial": [], "medial": [], "final": []}
    for row in read_table("korean_cyrillic.tsv"):
        table[row[0]].append((row + [""] * 3)[2])
    return table


def cyrillize_korean(word: str) -> list[str]:
    """The syllables of a Hangul word in Cyrillic, by the Kontsevich system (Russian practice):
    박 -> [Пак], 성철 -> [Сон, Чхоль]. Characters other than Hangul syllables are left out."""
    jamo = _jamo_cyrillic()
    syllables = []
    for char in word:
        if HANGUL_FIRST <= ord(char) <= HANGUL_LAST:
            i, m, f = _split_syllable(char)
            syllable = jamo["initial"][i] + jamo["medial"][m] + jamo["final"][f]
            syllables.append(syllable[:1].upper() + syllable[1:])
    return syllables


def korean_surname(hangul: str) -> tuple[str, str, tuple[str, ...]]:
    """(Revised, McCune-Reischauer, customary spellings) for a Hangul family name."""
    known = _korean_surnames().get(hangul)
    if known:
        return known
    return romanize_korean(hangul, "rr"), romanize_korean(hangul, "mr"), ()


# The finals that occur in personal names (none, ㄱ, ㄴ, ㄹ, ㅁ, ㅂ, ㅇ): the only ones read back.
_NAME_FINALS = frozenset({0, 1, 4, 8, 16, 17, 21})


@cache
def _korean_readings() -> dict[str, frozenset[str]]:
    """Plain romanized syllable -> the Hangul syllables it may stand for, in every system."""
    readings: dict[str, set[str]] = {}
    for code in range(HANGUL_FIRST, HANGUL_LAST + 1):
        char = chr(code)
        if (code - HANGUL_FIRST) % 28 not in _NAME_FINALS:
            continue
        forms = {romanize_korean(char, "rr"), romanize_korean(char, "mr-plain"), romanize_korean(char, "mr-u")}
        jamo = _jamo()
        i, m, f = _split_syllable(char)
        voiced = jamo["initial"][i][3] + strip_diacritics(jamo["medial"][m][2]) + jamo["final"][f][2]
        forms.add(voiced.replace("'", ""))
        for form in forms:
            readings.setdefault(form.lower(), set()).add(char)
    for hangul, (rr, mr, customary) in _korean_surnames().items():
        for form in (rr, mr, *customary):
            readings.setdefault(fold(form), set()).add(hangul)
    return {key: frozenset(value) for key, value in readings.items()}


def korean_readings(syllable: str) -> frozenset[str]:
    """The Hangul syllables a romanized syllable may stand for: `song` -> {송, 성, 숭, ...}."""
    return _korean_readings().get(fold(syllable), frozenset())


def is_korean_surname(name: str) -> bool:
    key = fold(name)
    return any(
        key in {fold(rr), fold(mr), *(fold(c) for c in customary)}
        for rr, mr, customary in _korean_surnames().values()
    )


# Chinese --------------------------------------------------------------------


@cache
def _chinese() -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    to_wg: dict[str, str] = {}
    to_pinyin: dict[str, list[str]] = {}
    for pinyin, wade_giles in read_table("chinese_syllables.tsv"):
        to_wg[pinyin.replace("ü", "v")] = wade_giles
        to_pinyin.setdefault(_wg_key(wade_giles), []).append(pinyin)
    return to_wg, {k: tuple(v) for k, v in to_pinyin.items()}


def _wg_key(syllable: str) -> str:
    return strip_diacritics(syllable.lower()).replace("'", "").replace("‘", "")


def split_pinyin(word: str) -> list[str] | None:
    """`Zedong` -> ['ze', 'dong']: the fewest Pinyin syllables that spell the word, or None."""
    to_wg = _chinese()[0]
    text = strip_diacritics(word.lower()).replace("ü", "v").replace("-", "").replace("'", "")
    best: list[list[str] | None] = [None] * (len(text) + 1)
    best[0] = []
    for end in range(1, len(text) + 1):
        for start in range(max(0, end - 6), end):
            head = best[start]
            if head is not None and text[start:end] in to_wg:
                candidate = head + [text[start:end]]
                current = best[end]
                if current is None or len(candidate) < len(current):
                    best[end] = candidate
    return best[len(text)]


def pinyin_to_wade_giles(syllable: str) -> str | None:
    return _chinese()[0].get(strip_diacritics(syllable.lower()).replace("ü", "v"))


def wade_giles_to_pinyin(syllable: str) -> tuple[str, ...]:
    return _chinese()[1].get(_wg_key(syllable), ())


def _capital(word: str) -> str:
    return word[:1].upper() + word[1:]


def wade_giles_name(pinyin: str, *, apostrophes: bool = True) -> str | None:
    """`Mao Zedong` -> `Mao Tse-tung`: family name, then the given name's syllables hyphenated."""
    words = []
    for word in pinyin.split():
        syllables = split_pinyin(word)
        if not syllables:
            return None
        converted = [pinyin_to_wade_giles(s) or s for s in syllables]
        if not apostrophes:
            converted = [strip_diacritics(s).replace("'", "") for s in converted]
        words.append(_capital("-".join(converted)))
    return " ".join(words)


def pinyin_name(pinyin: str) -> str | None:
    """`Mao Ze-dong` -> `Mao Zedong`: Pinyin writes a given name as one word."""
    words = []
    for word in pinyin.split():
        syllables = split_pinyin(word)
        if not syllables:
            return None
        words.append(_capital("".join(syllables).replace("v", "ü")))
    return " ".join(words)


# Russian --------------------------------------------------------------------


@cache
def _russian() -> tuple[dict[tuple[str, str], tuple[str, str, str]], dict[str, list[tuple[str, str]]]]:
    letters: dict[tuple[str, str], tuple[str, str, str]] = {}
    for row in read_table("russian_letters.tsv"):
        row = row + [""] * (5 - len(row))
        letter, scheme, plain, initial, sibilant = row[:5]
        letters[(letter, scheme)] = (plain, initial or plain, sibilant or plain)
    endings: dict[str, list[tuple[str, str]]] = {}
    for scheme, ending, written in read_table("russian_endings.tsv"):
        endings.setdefault(scheme, []).append((ending, written))
    return letters, endings


def is_cyrillic(text: str) -> bool:
    return any("\u0400" <= c <= "\u04ff" for c in text)


def transliterate_russian(text: str, scheme: str) -> str:
    """Cyrillic to Latin in one of RUSSIAN_SCHEMES: Хрущёв -> Khrushchëv (bgn), Chruschtschow (duden)."""
    return re.sub(r"[\u0400-\u04ff]+", lambda m: _transliterate_word(m.group(0), scheme), text)


def _transliterate_word(word: str, scheme: str) -> str:
    letters, endings = _russian()
    lower = word.lower()
    tail = ""
    for ending, written in endings.get(scheme, ()):
        if lower.endswith(ending) and len(lower) > len(ending):
            lower, tail = lower[: -len(ending)], written
            break
    out = []
    previous = ""
    for letter in lower:
        plain, initial, sibilant = letters.get((letter, scheme), (letter, letter, letter))
        if not previous or previous in _VOWELS_CYRILLIC:
            out.append(initial)
        elif previous in _SIBILANTS_CYRILLIC:
            out.append(sibilant)
        else:
            out.append(plain)
        previous = letter
    latin = "".join(out) + tail
    if word[:1].isupper():
        latin = _capital(latin)
    if word.isupper() and len(word) > 1:
        latin = latin.upper()
    return latin


# OCR and keys ---------------------------------------------------------------


@cache
def ocr_confusions() -> tuple[tuple[str, str, str], ...]:
    """(written, read as, note) for each confusion in `ocr_confusions.tsv`."""
    return tuple((row[0], row[1], row[2] if len(row) > 2 else "") for row in read_table("ocr_confusions.tsv"))


def ocr_slips(name: str) -> list[tuple[str, str]]:
    """Forms of a name with one kind of OCR or typing slip applied throughout: `Kim Il Sung` -> `Kim II Sung`."""
    slips = []
    for written, read_as, note in ocr_confusions():
        if written in name and written.isalpha() and read_as.isalpha():
            slipped = name.replace(written, read_as)
            if slipped != name:
                slips.append((slipped, note))
    return slips


def _hangul_to_latin(text: str) -> str:
    return re.sub(
        f"[{chr(HANGUL_FIRST)}-{chr(HANGUL_LAST)}]+",
        lambda m: romanize_korean(m.group(0), "rr", hyphen=False),
        text,
    )


_NOT_KEY = re.compile(r"[^a-z0-9]+")


@cache
def fold(name: str) -> str:
    """The comparison key of a name: `Kim Il-sung`, `KIM IL SUNG` and `Kimilsung` all give `kimilsung`."""
    text = unicodedata.normalize("NFC", name)
    if is_hangul(text):
        text = _hangul_to_latin(text)
    text = anyascii(strip_diacritics(text)).lower()
    return _NOT_KEY.sub("", text)


_OCR_KEY = str.maketrans({"i": "l", "1": "l", "0": "o", "|": "l"})


@lru_cache(maxsize=1 << 16)
def ocr_fold(key: str) -> str:
    """A folded key with OCR confusions merged: `kimiisung` and `kimilsung` both give `klmllsung`.

    Linking asks for the same keys again and again, so the last 65,536 are remembered."""
    return key.replace("rn", "m").replace("vv", "w").replace("cl", "d").translate(_OCR_KEY)
