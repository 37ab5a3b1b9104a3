"""Records to export: the shared Wilson Center record, FRUS documents, and trouble."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from fonds.dates import HistoricalDate, parse_date
from fonds.importers import frus, text
from fonds.record import (
    Credit,
    Mark,
    Note,
    PageBreak,
    PersonLink,
    Record,
    Rendition,
    Source,
)


@pytest.fixture(scope="session")
def wilson_record(corpus: Path) -> Record:
    """wcda-110485, read from the shared corpus by the text importer."""
    with open(corpus / "wilson-center" / "110485.txt", "rb") as handle:
        records = [r for r in text.read(handle, origin="110485.txt") if isinstance(r, Record)]
    assert len(records) == 1
    return records[0]


@pytest.fixture(scope="session")
def frus_records(corpus: Path) -> list[Record]:
    """Every document of FRUS 1961-63 vol. VI (Kennedy-Khrushchev), read by the FRUS importer."""
    with open(corpus / "frus" / "frus1961-63v06.xml", "rb") as handle:
        records = [r for r in frus.read(handle, origin="frus1961-63v06.xml") if isinstance(r, Record)]
    assert len(records) == 120
    return records


@pytest.fixture
def hostile_record() -> Record:
    """Markup, ampersands, quotes, LaTeX specials and control characters everywhere."""
    nasty = 'Kim <script>alert("x")</script> & Co\'s {50%} $#_^~\\ "quoted"\x0b'
    body = f"{nasty}\n\n[and] more <b>bold</b> & [...]"
    return Record(
        id="x-1 <&>",
        title=nasty,
        type="Letter & <Note>",
        date=parse_date("c. 1962"),
        summary=nasty,
        original_languages=("ru",),
        source=Source(
            citation=nasty,
            repository="Archive <of> & \"Things\"",
            repository_code="A&B",
            reference={"fond": "<1>", "delo": "&2", "text file": "x"},
        ),
        credits=(Credit("translator", "Jane <O'Brien> & Sons"), Credit("translator", "Ivan Petrov")),
        collections=("C&D <1>",),
        url='https://example.org/doc?a=1&b="2"',
        renditions=(
            Rendition(
                kind="translation <x>",
                language="en",
                text=body,
                marks=(Mark("supplied", len(nasty) + 2, len(nasty) + 7, "and"),
                       Mark("gap", len(body) - 5, len(body))),
                notes=(Note("1 & 2", "note <i>&</i>", offset=5),),
                pages=(PageBreak("<3>", 0),),
            ),
        ),
        persons=(PersonLink("p&1 <x>", "Kim <Il> Sung", start=0, end=3),),
    )


@pytest.fixture
def frus_like_record() -> Record:
    """A hand-built FRUS-shaped record: notes, page breaks, persons, nested and crossing spans."""
    body = (
        "Moscow, October 26, 1962.\n\n"
        "Dear Mr. President: I have received your letter [of October 25]. "
        "Khrushchev [Khrushchov] spoke with Kennedy.\n\n"
        "[...] The rest was omitted."
    )
    kh = body.index("Khrushchev")
    alt_end = body.index("]", kh) + 1
    ke = body.index("Kennedy")
    supplied = body.index("[of")
    return Record(
        id="frus1961-63v06-d65",
        title="65. Letter From Chairman Khrushchev to President Kennedy",
        type="Letter",
        date=HistoricalDate(text="October 26, 1962", edtf="1962-10-26", earliest="1962-10-26", latest="1962-10-26"),
        original_languages=("ru",),
        source=Source(citation="Source: Department of State, Presidential Correspondence: Lot 66 D 204."),
        credits=(Credit("translator", "Department of State Division of Language Services"),),
        collections=("frus1961-63v06", "frus1961-63v06-ch2"),
        place="Moscow",
        renditions=(
            Rendition(
                kind="translation",
                language="en",
                text=body,
                marks=(
                    Mark("supplied", supplied, body.index("]", supplied) + 1, "of October 25"),
                    Mark("alternate", kh, alt_end, "Khrushchev", "Khrushchov"),
                    Mark("gap", body.index("[...]"), body.index("[...]") + 5),
                    # crosses the persName for Kennedy: must be dropped, not break the XML
                    Mark("supplied", ke + 3, ke + 12, "bogus"),
                ),
                notes=(Note("1", "Printed from an unofficial translation.", offset=len("Moscow, October 26, 1962.")),
                       Note("2", "A note without a place.")),
                pages=(PageBreak("170", 0), PageBreak("171", body.index("[...]"))),
            ),
        ),
        persons=(
            PersonLink("frus:frus1961-63v06#p_KNS1", "Khrushchev, Nikita S.", start=kh, end=kh + len("Khrushchev")),
            PersonLink("frus:frus1961-63v06#p_KJF1", "Kennedy, John F.", role="participant", start=ke, end=ke + 7),
        ),
    )


@pytest.fixture(scope="session")
def jing(schemas: Path) -> Callable[[list[Path]], list[str]]:
    """Validate files against tei_all.rng in one jing run; return jing's error lines."""
    program = shutil.which("jing")
    if program is None:
        pytest.fail("jing is not installed; install the Debian package: apt-get install -y jing")

    def validate(paths: list[Path]) -> list[str]:
        done = subprocess.run(
            [program, str(schemas / "tei_all.rng"), *map(str, paths)],
            capture_output=True, text=True, check=False,
        )
        return [line for line in done.stdout.splitlines() if line.strip()]

    return validate
