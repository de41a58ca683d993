"""Direct answers (issue 13): thanks, steps first with "more", the right phone per situation in elder mode."""

from __future__ import annotations

import pytest

from bot.answer import Query
from bot.engine import Engine
from bot.shape import front_and_back

LANGS = ("zh", "en", "ko", "ru", "ja")


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("谢谢", "zh"),
        ("多谢了", "zh"),
        ("thanks", "en"),
        ("thx", "en"),
        ("감사합니다", "ko"),
        ("спасибо", "ru"),
        ("ありがとう", "ja"),
    ],
)
def test_thanks_gets_a_warm_short_reply(engine: Engine, text: str, lang: str) -> None:
    answer = engine.answer(Query(text=text))
    assert (answer.kind, answer.lang, answer.text) == (
        "thanks",
        lang,
        engine.responder.kb.text("thanks", lang),
    )


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("thanks, but where can I exchange money?", "currency-exchange"),
        ("谢谢你，我的卡被ATM吞了怎么办", "card-problems"),
    ],
)
def test_thanks_with_a_question_answers_the_question(engine: Engine, text: str, topic: str) -> None:
    answer = engine.answer(Query(text=text))
    assert (answer.kind, answer.topic) == ("faq", topic)


def test_thanks_is_answered_in_every_channel_language(engine: Engine) -> None:
    kb = engine.responder.kb
    assert [engine.responder.intent("thanks", lang).text for lang in LANGS] == [
        kb.text("thanks", lang) for lang in LANGS
    ]


def test_a_request_to_translate_thanks_is_not_thanks(engine: Engine) -> None:
    assert engine.answer(Query(text="переведи на китайский спасибо")).kind == "fallback"


def test_the_answer_leads_with_the_steps_and_keeps_background_and_source_for_more(
    engine: Engine,
) -> None:
    kb = engine.responder.kb
    topic = kb.topics["atm-foreign-card"]
    answer = engine.responder.faq("atm-foreign-card", "en")
    steps, background = front_and_back(topic.answer.en)
    source = kb.text("faq_source", "en", source=topic.source, date=topic.as_of.isoformat())
    assert (answer.text, answer.more) == (steps, f"{background}\n\n{source}")
    assert answer.text.startswith("1. ") and "•" not in answer.text
    assert "Shanxi's 2024 plan" in answer.more


@pytest.mark.parametrize("lang", LANGS)
def test_every_answer_shows_every_line_once_between_text_and_more(
    engine: Engine, lang: str
) -> None:
    kb = engine.responder.kb
    for topic in kb.topics.values():
        answer = engine.responder.faq(topic.id, lang)
        assert answer.more is not None
        shown = [line for line in (answer.text + "\n" + answer.more).splitlines() if line.strip()]
        written = [line for line in topic.answer.get(lang).splitlines() if line.strip()]
        assert sorted(shown[:-1]) == sorted(written), topic.id  # the last line is the source


def test_english_answers_are_short_first(engine: Engine) -> None:
    kb = engine.responder.kb
    lengths = {t: len(engine.responder.faq(t, "en").text) for t in kb.topics}
    assert {t: n for t, n in lengths.items() if n > 900} == {}


def test_steps_stay_in_front_even_after_background_lines(engine: Engine) -> None:
    answer = engine.responder.faq("family-transfer", "en")
    assert "110" in answer.text and answer.text.splitlines()[-1].startswith("4. ")


def test_russian_readers_see_the_russian_card_warning_first(engine: Engine) -> None:
    answer = engine.responder.faq("atm-foreign-card", "ru")
    assert "⚠ Карты российских банков" in answer.text


def test_more_shows_the_background_and_sources(engine: Engine) -> None:
    faq = engine.responder.faq("ecny", "ja")
    more = engine.responder.more("ecny", "ja")
    assert (more.kind, more.topic, more.lang, more.text, more.more) == (
        "faq",
        "ecny",
        "ja",
        faq.more,
        None,
    )


def test_elder_more_is_the_whole_answer_and_its_source(engine: Engine) -> None:
    kb = engine.responder.kb
    topic = kb.topics["card-pin-forgotten"]
    more = engine.responder.more("card-pin-forgotten", "ko", elder=True)
    source = kb.text("faq_source", "ko", source=topic.source, date=topic.as_of.isoformat())
    assert more.text == f"{topic.answer.ko.strip()}\n\n{source}"


@pytest.mark.parametrize("lang", LANGS)
def test_elder_answers_are_the_short_version_in_every_language(engine: Engine, lang: str) -> None:
    kb = engine.responder.kb
    for topic in kb.topics.values():
        answer = engine.responder.faq(topic.id, lang, elder=True)
        assert answer.text.startswith(getattr(topic.short, lang).strip()), topic.id


@pytest.mark.parametrize("lang", LANGS)
def test_elder_fraud_answer_has_110_and_96110_and_no_complaint_line(
    engine: Engine, lang: str
) -> None:
    kb = engine.responder.kb
    answer = engine.responder.faq("fraud-safety", lang, elder=True)
    assert answer.text == getattr(kb.topics["fraud-safety"].short, lang).strip()
    last = answer.text.splitlines()[-1]
    assert ("110" in last, "96110" in last, "12363" in answer.text) == (True, True, False)
    assert last.index("110") < last.index("96110")  # the report line comes first


@pytest.mark.parametrize(
    ("topic", "line"),
    [
        ("card-problems", "call.card-bank"),
        ("card-pin-forgotten", "call.card-bank"),
        ("atm-foreign-card", "call.card-bank"),
        ("mobile-pay-setup", "call.service-center"),
        ("branch-green-channel", "call.complaint-line"),
    ],
)
@pytest.mark.parametrize("lang", LANGS)
def test_elder_answers_end_with_the_call_that_fits(
    engine: Engine, topic: str, line: str, lang: str
) -> None:
    kb = engine.responder.kb
    answer = engine.responder.faq(topic, lang, elder=True)
    call = kb.text(line, lang, phone="12363")
    assert answer.text == getattr(kb.topics[topic].short, lang).strip() + "\n\n" + call


@pytest.mark.parametrize("topic", ["complaints", "cash-refusal-complaint", "elderly-mobile-pay"])
def test_elder_answers_that_give_their_numbers_add_none(engine: Engine, topic: str) -> None:
    kb = engine.responder.kb
    answer = engine.responder.faq(topic, "zh", elder=True)
    assert answer.text == kb.topics[topic].short.zh.strip()
    assert answer.text.count("12363") <= 1


def test_no_elder_answer_gives_12363_twice_or_after_110(engine: Engine) -> None:
    kb = engine.responder.kb
    wrong = []
    for topic in kb.topics:
        for lang in LANGS:
            text = engine.responder.faq(topic, lang, elder=True).text
            if text.count("12363") > 1 or ("110" in text and "12363" in text.split("110")[-1]):
                wrong.append((topic, lang))
    assert wrong == []


def test_thanks_examples_reach_the_semantic_index(engine: Engine) -> None:
    from bot.semantic import examples

    pairs = examples(engine.responder.kb)
    assert {lang: (("thanks", text) in pairs) for lang, text in THANKS_FIRST.items()} == {
        lang: True for lang in THANKS_FIRST
    }


THANKS_FIRST = {
    "zh": "谢谢",
    "en": "thanks",
    "ko": "감사합니다",
    "ru": "спасибо",
    "ja": "ありがとう",
}
