"""Snippets: the best passage from the body, matches highlighted whole, cut at word boundaries."""

from __future__ import annotations

from fonds.analysis import Analysis
from fonds.query import parse
from fonds.snippets import Snippets, needles, plain

ANALYSIS = Analysis()


def snippet(query: str, text: str, title: str = "", summary: str = "", variants: tuple[str, ...] = ()) -> str:
    return Snippets(needles(parse(query), list(variants), ANALYSIS), ANALYSIS).snippet(text, summary, title)


LETTER = (
    "Letter from Khrushchev to Kennedy\n\n"
    "Dear Mr. President,\n\n"
    + "We have received your message and studied it with care. " * 4
    + "The question of Berlin cannot wait, and the Soviet government proposes talks on a German peace treaty "
    "before the end of the year. "
    + "We hope for your understanding in this matter. " * 6
    + "\n\nRespectfully,\n\nN. Khrushchev\n"
)


def test_the_passage_comes_from_the_body_not_the_signature_or_the_title() -> None:
    found = snippet("Khrushchev", LETTER, title="Letter from Khrushchev to Kennedy")
    assert found.startswith("…We have received your message")  # only in the title and signature: the body's start
    found = snippet("Khrushchev Berlin treaty", LETTER, title="Letter from Khrushchev to Kennedy")
    assert "<b>Berlin</b>" in found and "<b>treaty</b>" in found
    assert "N. <b>Khrushchev</b>" not in found and "Letter from" not in found


def test_the_passage_with_most_distinct_terms_wins() -> None:
    text = "Berlin was mentioned once. " + "Filler words go here. " * 30 + "Berlin and the treaty and Kennedy together."
    found = snippet("Berlin treaty Kennedy", text)
    assert "<b>Berlin</b> and the <b>treaty</b> and <b>Kennedy</b>" in found
    assert found.startswith("…")  # cut before


def test_cut_at_word_boundaries_on_one_line() -> None:
    found = snippet("treaty", LETTER)
    assert "\n" not in found
    inner = found.strip("…")
    words = LETTER.split()
    assert inner.split()[0] in words and inner.split()[-1] in words  # no word cut in half
    assert found.endswith("…")


def test_names_and_phrases_are_highlighted_whole() -> None:
    text = "The talks with Kim II Sung began. Later Kim Ir Sen spoke, and the air defense was discussed."
    found = snippet("Kim Il Sung", text, variants=("Kim II Sung", "Kim Ir Sen"))
    assert "<b>Kim II Sung</b>" in found and "<b>Kim Ir Sen</b>" in found
    assert "<b>air defense</b>" in snippet('"air defense"', text)
    assert "<b>Хрущёву</b>" in snippet("x", "передать Никите Сергеевичу Хрущёву", variants=("Хрущёв",))


def test_stems_and_cjk_words_inside_runs() -> None:
    assert "<b>conversations</b>" in snippet("conversation", "Two conversations took place.")
    assert "<b>Korean</b>" not in snippet("Korea", "The Korean side agreed. Korea is far.")
    assert "<b>苏联大使</b>馆" in snippet("苏联大使", "九月二日，苏联大使馆参赞来访。")
    assert "<b>苏联</b>" in snippet("蘇聯", "九月二日，苏联大使馆参赞来访。")  # traditional finds simplified
    assert "<b>переговорах</b>" in snippet("переговоры", "В переговорах участвовали.")


def test_html_is_escaped_and_the_plain_start_is_cut_at_a_word() -> None:
    assert "&lt;script&gt;" in snippet("alert", "<script>alert(1)</script> alert")
    start = plain("word " * 100)
    assert start.endswith("…") and "wor…" not in start and len(start) <= 201


def test_matched_names_once_each_as_the_text_spells_them() -> None:
    from fonds.snippets import matched_variants

    expansions = [("Khrushchëv", "Khrushchëv: BGN/PCGN"), ("Khrushchev", "Khrushchev: printed form"), ("Kim", "Kim: x")]
    assert matched_variants(expansions, "Then Khrushchev spoke.") == ("Khrushchev: printed form",)
    assert matched_variants(expansions, "Then Khrushchëv spoke.") == ("Khrushchëv: BGN/PCGN",)


def test_a_name_is_found_only_where_all_its_words_are() -> None:
    analysis = Analysis()
    found = Snippets(needles(None, ["N. S. Khrushchev"], analysis), analysis)
    assert "<b>N. S. Khrushchev</b>" in found.snippet("Signed: none. Then N. S. Khrushchev spoke at length.", "", "")
    assert found.snippet("Nothing by N. S. here, nor any name.", "", "") == ""


def test_a_word_only_far_into_a_long_text_still_gets_its_snippet() -> None:
    text = "Nothing to see in these opening pages. " * 300 + "At last the fisheries agreement was signed."
    found = snippet("fisheries", text)
    assert "<b>fisheries</b> agreement" in found and found.startswith("…")
    assert found.endswith("signed.")


def test_the_first_match_in_running_text_wins_over_a_heading_and_a_later_match() -> None:
    text = "TREATY\n\n" + "The treaty was read aloud to the delegates that morning. " * 3 + "Filler. " * 80 + "A second treaty."
    found = snippet("treaty", text)
    assert "The <b>treaty</b> was read" in found and "second" not in found


def test_one_word_snippets_are_those_of_every_match_weighed() -> None:
    """The lazy path for one needle shows what `render` over every match of `find_early` shows."""
    from fonds.snippets import render

    texts = [LETTER, "Korea.\n\nKorea\n\nThe Korean side spoke of Korea at length. " * 5, "<b>Korea</b> & “Korea” " * 40,
             "КОРЕЯ\nПереговоры о Корее шли долго. Корея ответила.", "朝鲜问题。朝鲜代表团到达。" * 30, "Korea\nKorea\n"]
    for word in ("korea", "корея", "朝鲜", "khrushchev", '"the Korean side"'):
        found = Snippets(needles(parse(word), [], ANALYSIS), ANALYSIS)
        for text in texts:
            matches = found.find_early(text, "Korea")
            expected = render(text, matches, "Korea") if matches else ""
            assert found.snippet(text, "", "Korea") == expected, (word, text[:40])


def test_cyrillic_cjk_and_hostile_html_stay_escaped_and_highlighted() -> None:
    assert "<b>Кореи</b>" in snippet("Кореи", "Вопрос <script>Кореи</script> решён.")
    assert "&lt;script&gt;<b>Кореи</b>&lt;/script&gt;" in snippet("Кореи", "Вопрос <script>Кореи</script> решён.")
    found = snippet("朝鲜", "<img src=x onerror=alert(1)>朝鲜代表团" + "。" * 10)
    assert "<img" not in found and "&lt;img src=x onerror=alert(1)&gt;<b>朝鲜</b>" in found
