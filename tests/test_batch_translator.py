"""A batch's translator writes each sentence once and every one exactly as a plain translator would.

Checked against the plain `Translator` as the independent implementation: whatever sequence of
sentences a batch asks for, in any order and with repeats, the text (escaping included) is the
same, and a value equal to another but shown differently (a typed "a&b" and the Markup "a&b",
1 and True) never gets the other's sentence.
"""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from bot.formats import fmt_date, fmt_money, fmt_week
from bot.i18n import BatchTranslator, Translator
from bot.markup import Markup

TEXT = st.sampled_from(["Apollo", "a&b", "<@U1>", "云", ""]) | st.text(max_size=12)
ASKED = st.one_of(
    st.tuples(st.just("digests.title"), TEXT, TEXT, st.sampled_from(["2026-W50", "2027-W01"])),
    st.tuples(st.just("markup"), TEXT, TEXT, st.just("")),
    st.tuples(st.just("date"), st.dates(date(2020, 1, 1), date(2030, 12, 31)), st.just(""), st.just("")),
    st.tuples(st.just("count"), st.integers(0, 3) | st.booleans(), st.just(""), st.just("")),
)


def written(t: Translator, asked: tuple[str, object, object, str]) -> str:
    what, first, second, week = asked
    if what == "digests.title":
        return t("digests.title", key=first, name=second, week=fmt_week(week, t))
    if what == "markup":  # the same characters, once as typed and once as the bot's own Markup
        return t("digests.title", key=Markup(str(first)), name=second, week=str(second))
    if what == "date":
        assert isinstance(first, date)
        return fmt_date(first, t) + fmt_money(None, "EUR", t)
    return t("digests.waiting", count=first)


@given(language=st.sampled_from(["en", "zh-CN"]), batch=st.lists(ASKED, max_size=30))
def test_a_batch_writes_every_sentence_as_a_plain_translator_does(
    language: str, batch: list[tuple[str, object, object, str]]
) -> None:
    remembering, plain = BatchTranslator(language), Translator(language)
    for asked in batch + batch[::-1]:  # each asked again, after the others
        assert written(remembering, asked) == written(plain, asked), asked


def test_text_and_markup_of_the_same_characters_are_not_taken_for_each_other() -> None:
    t = BatchTranslator("en")
    typed = t("digests.title", key="a&b", name="n", week="w")
    bots = t("digests.title", key=Markup("a&b"), name="n", week="w")
    assert "a&amp;b" in typed and "a&b" in bots and "a&amp;b" not in bots


def test_a_sentence_asked_again_is_the_one_already_written() -> None:
    t = BatchTranslator("en")
    first = t("formats.week", year=2026, number=50)
    assert t("formats.week", year=2026, number=50) is first
    assert t("formats.week", year=2026, number=51) == "2026-W51"
